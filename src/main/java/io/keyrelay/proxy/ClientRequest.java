package io.keyrelay.proxy;

import io.keyrelay.upstream.Dialect;
import io.vertx.core.http.HttpServerRequest;

/**
 * A client's request once its key is checked: which route, in which format, for which client key (null when the key
 * was refused), and what the request log will keep of it.
 */
record ClientRequest(HttpServerRequest http, ClientRoute route, Dialect dialect, String clientKeyId, RequestTrace trace) {

    /** The request ended before an exchange took it (refused by KeyRelay itself, or the client left). */
    void endedEarly(ProxyContext ctx) {
        ctx.ended(this, null, false);
    }
}
