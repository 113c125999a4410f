package io.keyrelay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    private static RequestBody check(String json) {
        return RequestBody.check(Buffer.buffer(json));
    }

    private static RequestBody check(byte[] json) {
        return RequestBody.check(Buffer.buffer(json));
    }

    @Test
    void topLevelStreamTrueMakesAStreamingRequest() {
        assertEquals(RequestBody.STREAMING, check("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"));
        assertEquals(RequestBody.STREAMING, check(" { \"stream\" : true } "));
        assertEquals(RequestBody.STREAMING, check("{\"str\\u0065am\":true}"), "a name is compared once decoded");
        assertEquals(RequestBody.STREAMING, check("{\"stream\":false,\"stream\":true}"), "the last one wins");
    }

    @Test
    void anythingButATopLevelTrueIsNotStreaming() {
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":false}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":\"true\"}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"metadata\":{\"stream\":true}}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":true,\"stream\":false}"), "the last one wins");
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":{\"a\":true}}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\":[true]}"));
        assertEquals(RequestBody.NOT_STREAMING, check("{\"stream\\u0000\":true,\"Stream\":true,\"streams\":true}"));
    }

    @Test
    void wellFormedObjectsOfEveryKindAreAccepted() {
        for (String ok : new String[]{"{}", " \t\r\n{ } \n", "{\"a\":[]}", "{\"a\":[1,-0,0.5,-1.25e+10,3E-2,1e5,0]}",
                "{\"a\":{\"b\":{\"c\":null}},\"d\":[true,false,null,\"\"]}", "{\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
                "{\"caf\u00e9\":\"\u4e2d\u6587 \uD83D\uDE00 \u00ff\"}", "\uFEFF{\"bom\":1}"}) {
            assertEquals(RequestBody.NOT_STREAMING, check(ok), ok);
        }
        assertEquals(RequestBody.NOT_STREAMING, check(nested(RequestBody.MAX_DEPTH)), "as deep as allowed");
    }

    @Test
    void malformedOrNonObjectBodiesAreInvalid() {
        for (String bad : new String[]{"", " ", "\uFEFF", "[]", "\"x\"", "42", "null", "{", "}", "{\"a\":}", "{\"a\":1}}",
                "{\"a\":1} x", "{}{}", "{\"a\":\"\\q\"}", "{'a':1}", "{a:1}", "{\"a\":[1,2}", "{\"a\":tru}", "{\"a\":truex}",
                "{\"a\":1,}", "{\"a\":[1,]}", "{,}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}",
                "{\"a\":1e}", "{\"a\":1e+}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":0x10}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"line\nbreak\"}",
                "{\"a\":1 /* no */}", "{\"a\":1}//", "{\"a\":\"open}", "{\"a\":1}\u0000"}) {
            assertEquals(RequestBody.INVALID, check(bad), bad);
        }
        assertEquals(RequestBody.INVALID, check(nested(RequestBody.MAX_DEPTH + 1)), "deeper than allowed");
    }

    @Test
    void stringsMustBeValidUtf8() {
        int[][] bad = {{0xC0, 0x80}, {0xC1, 0xBF}, {0xE0, 0x80, 0x80}, {0xED, 0xA0, 0x80}, {0xF0, 0x80, 0x80, 0x80},
                {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0x80}, {0xBF}, {0xE2, 0x82}, {0xE2, 0x28, 0xA1}, {0xFF}};
        for (int[] sequence : bad) {
            assertEquals(RequestBody.INVALID, check(withRawBytes(sequence)), java.util.Arrays.toString(sequence));
        }
        int[][] good = {{0xC2, 0x80}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xED, 0x9F, 0xBF}, {0xEF, 0xBF, 0xBF},
                {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}};
        for (int[] sequence : good) {
            assertEquals(RequestBody.NOT_STREAMING, check(withRawBytes(sequence)), java.util.Arrays.toString(sequence));
        }
    }

    /**
     * Against a plain reading with Jackson's streaming parser (and, for the usage option, the body decoded into a map):
     * the same verdict on thousands of generated bodies, valid ones and ones with a byte inserted, removed or changed
     * (ASCII only: raw UTF-8, zero bytes and their pitfalls are covered above instead).
     */
    @Test
    void agreesWithJacksonOnGeneratedBodies() {
        Random random = new Random(20261126);
        int disagreements = 0;
        java.util.EnumMap<RequestBody, Integer> verdicts = new java.util.EnumMap<>(RequestBody.class);
        StringBuilder examples = new StringBuilder();
        for (int n = 0; n < 30_000; n++) {
            String doc = randomObject(random, 0);
            if (random.nextInt(3) > 0) {
                doc = mutate(random, doc);
            }
            byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
            RequestBody expected = jackson(bytes);
            RequestBody actual = check(bytes);
            verdicts.merge(expected, 1, Integer::sum);
            if (expected != actual) {
                disagreements++;
                if (examples.length() < 2_000) {
                    examples.append(doc).append(" jackson=").append(expected).append(" scan=").append(actual).append('\n');
                }
            }
        }
        assertEquals(0, disagreements, examples.toString());
        for (RequestBody verdict : RequestBody.values()) {
            assertTrue(verdicts.getOrDefault(verdict, 0) > 2_000, "enough " + verdict + " bodies: " + verdicts);
        }
    }

    /** Field names are kept in Jackson's shared symbol table; bodies full of new names must not fill it up or fail. */
    @Test
    void bodiesOfManyDistinctFieldNamesStayValid() {
        for (int body = 0; body < 20; body++) {
            StringBuilder b = new StringBuilder("{\"stream\":true");
            for (int i = 0; i < 5_000; i++) {
                b.append(",\"f").append(body).append('_').append(i).append("\":").append(i);
            }
            assertEquals(RequestBody.STREAMING, check(b.append('}').toString()), "body " + body);
        }
        assertEquals(RequestBody.NOT_STREAMING, check("{\"model\":\"m\"}"), "and the table still serves small bodies");
    }

    @Test
    void aStringLongerThanJacksonsDefaultLimitIsValid() {
        String document = "A".repeat(21_000_000); // Jackson refuses strings over 20,000,000 characters by default
        assertEquals(RequestBody.NOT_STREAMING, check("{\"model\":\"m\",\"data\":\"" + document + "\"}"));
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    private static byte[] withRawBytes(int[] sequence) {
        byte[] start = "{\"a\":\"x".getBytes(StandardCharsets.US_ASCII);
        byte[] end = "y\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[start.length + sequence.length + end.length];
        System.arraycopy(start, 0, all, 0, start.length);
        for (int i = 0; i < sequence.length; i++) {
            all[start.length + i] = (byte) sequence[i];
        }
        System.arraycopy(end, 0, all, start.length + sequence.length, end.length);
        return all;
    }

    private static final String[] NAMES = {"stream", "model", "a", "str\\u0065am", "", "x\\ny"};
    private static final String[] SCALARS = {"true", "false", "null", "0", "-1", "12.5", "1e9", "-0.0E-3", "\"\"",
            "\"text\"", "\"esc \\\" \\\\ \\u00e9 \\/\"", "\"caf\u00e9 \u4e2d\""};
    private static final String MUTATION_BYTES = "{}[]:,\"\\ \n\t0123456789.eE+-truefalsnux'/*#";

    private static String randomObject(Random random, int depth) {
        StringBuilder b = new StringBuilder("{");
        int members = random.nextInt(depth > 2 ? 2 : 4);
        int flagAt = depth == 0 ? random.nextInt(members + 1) : -1; // the top level mostly says whether to stream
        for (int m = 0; m < members + (flagAt >= 0 ? 1 : 0); m++) {
            if (m > 0) {
                b.append(random.nextBoolean() ? "," : " , ");
            }
            if (m == flagAt) {
                b.append(random.nextBoolean() ? "\"stream\":" : "\"str\\u0065am\" : ").append(random.nextInt(4) > 0 ? "true" : "false");
                if (random.nextBoolean()) { // OpenAI's usage option, asked for or not
                    b.append(",\"stream_options\":{\"include_usage\":").append(random.nextInt(3) > 0 ? "true" : "false").append('}');
                }
                continue;
            }
            b.append('"').append(NAMES[random.nextInt(NAMES.length)]).append("\":").append(randomValue(random, depth + 1));
        }
        return b.append('}').toString();
    }

    private static String randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 1 : 4);
        if (kind == 1) {
            return randomObject(random, depth);
        }
        if (kind == 2) {
            StringBuilder b = new StringBuilder("[");
            int items = random.nextInt(3);
            for (int i = 0; i < items; i++) {
                b.append(i > 0 ? "," : "").append(randomValue(random, depth + 1));
            }
            return b.append(']').toString();
        }
        return SCALARS[random.nextInt(SCALARS.length)];
    }

    private static String mutate(Random random, String doc) {
        StringBuilder b = new StringBuilder(doc);
        int at = random.nextInt(b.length() + 1);
        char c = MUTATION_BYTES.charAt(random.nextInt(MUTATION_BYTES.length()));
        switch (random.nextInt(3)) {
            case 0 -> b.insert(at, c);
            case 1 -> {
                if (at < b.length()) {
                    b.deleteCharAt(at);
                }
            }
            default -> {
                if (at < b.length()) {
                    b.setCharAt(at, c);
                }
            }
        }
        return b.toString();
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** The check as it was written with Jackson's streaming parser: the reference for the generated bodies. */
    private static RequestBody jackson(byte[] body) {
        if (body.length == 0) {
            return RequestBody.INVALID;
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return RequestBody.INVALID;
            }
            int depth = 1;
            boolean stream = false;
            boolean atStreamValue = false;
            while (depth > 0) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    return RequestBody.INVALID;
                }
                if (atStreamValue) {
                    stream = t == JsonToken.VALUE_TRUE;
                    atStreamValue = false;
                }
                switch (t) {
                    case FIELD_NAME -> atStreamValue = depth == 1 && "stream".equals(p.currentName());
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case VALUE_STRING -> p.getTextCharacters();
                    default -> {
                    }
                }
            }
            if (p.nextToken() != null) {
                return RequestBody.INVALID;
            }
            if (!stream) {
                return RequestBody.NOT_STREAMING;
            }
            // whether usage is asked for, read the other way: the whole body decoded into a map (the last field wins)
            Object options = new io.vertx.core.json.JsonObject(new String(body, StandardCharsets.UTF_8)).getValue("stream_options");
            boolean usage = options instanceof io.vertx.core.json.JsonObject o && Boolean.TRUE.equals(o.getValue("include_usage"));
            return usage ? RequestBody.STREAMING_WITH_USAGE : RequestBody.STREAMING;
        } catch (IOException e) {
            return RequestBody.INVALID;
        }
    }
}
