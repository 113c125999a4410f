package io.keyrelay.proxy;

import io.keyrelay.clients.Authentication;
import io.keyrelay.clients.ClientKey;
import io.keyrelay.upstream.Dialect;
import io.vertx.core.http.HttpServerRequest;

/**
 * A client's request once its key is checked: which route, in which format, for which client key (null when the key
 * was not recognised), whether it was admitted (then {@link io.keyrelay.clients.ClientKeys#finished} follows its
 * end), and what the request log will keep of it.
 */
record ClientRequest(HttpServerRequest http, ClientRoute route, Dialect dialect, ClientKey clientKey, RequestTrace trace,
                     boolean admitted) {

    /** The client key that {@code auth} names, admitted or not; null when none was recognised. */
    static ClientKey keyOf(Authentication auth) {
        if (auth instanceof Authentication.Accepted a) {
            return a.key();
        }
        if (auth instanceof Authentication.Limited l) {
            return l.key();
        }
        if (auth instanceof Authentication.Pending p) {
            return p.key();
        }
        return auth instanceof Authentication.OverBudget b ? b.key() : null;
    }

    /** The same request, now admitted (its key's shared limit was claimed while it waited). */
    ClientRequest admittedNow() {
        return new ClientRequest(http, route, dialect, clientKey, trace, true);
    }

    String clientKeyId() {
        return clientKey == null ? null : clientKey.id();
    }

    /** The request ended before an exchange took it (refused by KeyRelay itself, or the client left). */
    void endedEarly(ProxyContext ctx) {
        ctx.ended(this, null, false);
    }
}
