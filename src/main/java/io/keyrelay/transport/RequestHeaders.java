package io.keyrelay.transport;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** The headers of one upstream request, as they go on the wire (Host and Content-Length are added at sending). */
public final class RequestHeaders {
    final HttpHeaders headers = new DefaultHttpHeaders(false);

    public RequestHeaders set(CharSequence name, CharSequence value) {
        headers.set(name, value);
        return this;
    }

    public boolean contains(CharSequence name) {
        return headers.contains(name);
    }
}
