package io.keyrelay.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.jackson.JacksonCodec;

/**
 * Parses request bodies as JSON, rejecting what lenient parsers let through: a field given twice and content after
 * the value. Error messages give the position only: a parser's own message may quote the body, and with it a key.
 */
final class StrictJson {
    private StrictJson() {
    }

    /** A JsonObject, JsonArray, String, Number, Boolean or null. */
    static Object parse(Buffer body) {
        try (JsonParser parser = JacksonCodec.createParser(body)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            return JacksonCodec.fromParser(parser, Object.class);
        } catch (DecodeException e) {
            throw InvalidInputException.malformedJson(describe(e));
        } catch (java.io.IOException e) {
            throw InvalidInputException.malformedJson("The body is not valid JSON");
        }
    }

    private static String describe(DecodeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException jpe) {
                String what = jpe.getOriginalMessage() != null && jpe.getOriginalMessage().startsWith("Duplicate field")
                        ? "a field is given more than once" : "the body is not valid JSON";
                JsonLocation at = jpe.getLocation();
                return at == null ? capitalize(what)
                        : capitalize(what) + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            }
        }
        return "The body is not valid JSON";
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
