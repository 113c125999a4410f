package io.keyrelay.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.keyrelay.upstream.ByteView;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * What a client's request body is, read with Jackson's streaming parser: the whole document is checked to be one
 * well-formed JSON object, but no tree is built; only the top-level {@code stream} flag is kept (the last one wins,
 * as when the body is decoded into a map). The body itself goes upstream untouched.
 */
enum RequestBody {
    INVALID, STREAMING, NOT_STREAMING;

    private static final JsonFactory JSON = new JsonFactory();

    static RequestBody check(Buffer body) {
        if (body.length() == 0) {
            return INVALID;
        }
        ByteView bytes = ByteView.of(body);
        try (JsonParser p = JSON.createParser(bytes.array(), bytes.offset(), bytes.length())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return INVALID;
            }
            int depth = 1;
            boolean stream = false;
            boolean atStreamValue = false;
            while (depth > 0) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    return INVALID;
                }
                if (atStreamValue) {
                    stream = t == JsonToken.VALUE_TRUE;
                    atStreamValue = false;
                }
                switch (t) {
                    case FIELD_NAME -> atStreamValue = depth == 1 && "stream".equals(p.currentName());
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case VALUE_STRING -> p.getTextCharacters(); // decodes it: bad escapes and bad UTF-8 are errors
                    default -> {
                    }
                }
            }
            return p.nextToken() == null ? (stream ? STREAMING : NOT_STREAMING) : INVALID;
        } catch (IOException e) {
            return INVALID;
        }
    }
}
