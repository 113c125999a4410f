package io.keyrelay.proxy;

import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.ErrorKind;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Errors to proxy clients, always in their own API's format. */
final class Responses {
    private Responses() {
    }

    static void error(HttpServerResponse resp, Dialect dialect, ErrorKind kind, String message) {
        error(resp, dialect, kind.status(), kind, message);
    }

    static void error(HttpServerResponse resp, Dialect dialect, int status, ErrorKind kind, String message) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(dialect.errorBody(kind, message));
    }
}
