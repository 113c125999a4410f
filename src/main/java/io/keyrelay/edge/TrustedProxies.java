package io.keyrelay.edge;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Who a request comes from, believing {@code X-Forwarded-For} and {@code X-Forwarded-Proto} only from the reverse
 * proxies an operator named ({@code KEYRELAY_TRUSTED_PROXIES}): anyone else could claim any address, or HTTPS.
 */
public final class TrustedProxies {
    private final List<String> addresses;

    public TrustedProxies(List<String> addresses) {
        this.addresses = addresses;
    }

    /**
     * The client's address: the TCP peer, unless the peer is a trusted proxy; then the nearest address in
     * {@code X-Forwarded-For} that is not itself a trusted proxy.
     */
    public String clientAddress(HttpServerRequest request) {
        String peer = peer(request);
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null || !addresses.contains(peer)) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim().toLowerCase(Locale.ROOT);
            if (!hop.isEmpty() && !addresses.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** Whether the client reached KeyRelay over HTTPS: directly, or as a trusted proxy in front of it says. */
    public boolean overHttps(HttpServerRequest request) {
        if (request.isSSL()) {
            return true;
        }
        String proto = request.getHeader("X-Forwarded-Proto");
        return proto != null && addresses.contains(peer(request))
                && proto.split(",")[0].trim().equalsIgnoreCase("https");
    }

    private static String peer(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }
}
