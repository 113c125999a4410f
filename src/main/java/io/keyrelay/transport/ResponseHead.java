package io.keyrelay.transport;

import io.netty.handler.codec.http.HttpResponse;

/** The status line and headers of an upstream answer. */
public final class ResponseHead {
    private final HttpResponse response;

    ResponseHead(HttpResponse response) {
        this.response = response;
    }

    public int status() {
        return response.status().code();
    }

    /** The header's value, or null. */
    public String header(CharSequence name) {
        return response.headers().get(name);
    }
}
