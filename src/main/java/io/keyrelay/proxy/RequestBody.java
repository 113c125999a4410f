package io.keyrelay.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.keyrelay.transport.ByteView;
import io.keyrelay.upstream.RequestJson;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a client's request body is: one well-formed JSON object (RFC 8259 in UTF-8, nested at most {@link #MAX_DEPTH}
 * deep), whether its top-level {@code stream} flag is true, and whether it asks for usage in the stream
 * ({@code stream_options.include_usage}, OpenAI's chat), and its model; the last of a field given twice wins, as when the body is
 * decoded into a map. Checked with Jackson's streaming parser, which builds nothing but the tokens.
 */
enum RequestBody {
    INVALID, STREAMING, STREAMING_WITH_USAGE, NOT_STREAMING;

    /** Jackson's own limit (StreamReadConstraints), stated here because clients meet it. */
    static final int MAX_DEPTH = 1000;
    private static final JsonFactory JSON = RequestJson.FACTORY;

    static RequestBody check(Buffer body) {
        return check(body, null);
    }

    /** Checks, and gives {@code trace} (when not null) the top-level {@code model} string. */
    static RequestBody check(Buffer body, RequestTrace trace) {
        ByteView bytes = ByteView.of(body);
        if (bytes.length() == 0 || !strictUtf8(bytes)) {
            return INVALID;
        }
        try (JsonParser p = JSON.createParser(bytes.array(), bytes.offset(), bytes.length())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return INVALID;
            }
            int depth = 1;
            boolean stream = false;
            boolean usage = false;
            String field = null; // the name whose value comes next, at depth 1 or inside stream_options
            boolean inOptions = false;
            while (depth > 0) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    return INVALID;
                }
                if (field != null) {
                    switch (field) {
                        case "stream" -> stream = t == JsonToken.VALUE_TRUE;
                        case "stream_options" -> {
                            usage = false;
                            inOptions = t == JsonToken.START_OBJECT;
                        }
                        case "include_usage" -> usage = t == JsonToken.VALUE_TRUE;
                        case "model" -> {
                            if (t == JsonToken.VALUE_STRING && trace != null) {
                                trace.model(p.getText());
                            }
                        }
                        default -> {
                        }
                    }
                    field = null;
                }
                switch (t) {
                    case FIELD_NAME -> field = depth == 1 || inOptions && depth == 2 ? fieldOfInterest(p.currentName(), depth) : null;
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> {
                        depth--;
                        inOptions &= depth > 1;
                    }
                    case VALUE_STRING -> p.getTextCharacters(); // a string is checked (escapes, UTF-8) only when read
                    default -> {
                    }
                }
            }
            if (p.nextToken() != null) {
                return INVALID;
            }
            return !stream ? NOT_STREAMING : usage ? STREAMING_WITH_USAGE : STREAMING;
        } catch (IOException e) {
            return INVALID;
        }
    }

    private static String fieldOfInterest(String name, int depth) {
        if (depth == 1) {
            return name.equals("stream") || name.equals("stream_options") || name.equals("model") ? name : null;
        }
        return name.equals("include_usage") ? name : null;
    }

    /**
     * UTF-8 as RFC 8259 asks, which Jackson does not fully check (it takes overlong forms and surrogates), and no zero
     * byte, which no JSON text holds raw (Jackson would take zero bytes as a sign of UTF-16 or UTF-32).
     */
    private static boolean strictUtf8(ByteView bytes) {
        byte[] a = bytes.array();
        boolean ascii = true;
        for (int i = bytes.offset(), end = bytes.end(); i < end; i++) {
            if (a[i] == 0) {
                return false;
            }
            ascii &= a[i] > 0;
        }
        if (ascii) {
            return true;
        }
        CharsetDecoder decoder = DECODER.get().reset();
        CharBuffer out = OUT.get();
        ByteBuffer in = ByteBuffer.wrap(a, bytes.offset(), bytes.length());
        while (true) {
            out.clear();
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                return false;
            }
            if (r.isUnderflow()) {
                out.clear();
                return !decoder.flush(out).isError();
            }
        }
    }

    private static final ThreadLocal<CharsetDecoder> DECODER = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
            .newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    private static final ThreadLocal<CharBuffer> OUT = ThreadLocal.withInitial(() -> CharBuffer.allocate(8192));
}
