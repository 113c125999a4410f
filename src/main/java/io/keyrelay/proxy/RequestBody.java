package io.keyrelay.proxy;

import io.keyrelay.transport.ByteView;
import io.vertx.core.buffer.Buffer;

/**
 * What a client's request body is: one well-formed JSON object (checked by {@link JsonObjectScan}, without building
 * anything), and whether its top-level {@code stream} flag is true (the last one wins, as when the body is decoded
 * into a map). The body itself goes upstream untouched.
 */
enum RequestBody {
    INVALID, STREAMING, NOT_STREAMING;

    static RequestBody check(Buffer body) {
        ByteView bytes = ByteView.of(body);
        return JsonObjectScan.check(bytes.array(), bytes.offset(), bytes.length());
    }
}
