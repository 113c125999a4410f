package io.keyrelay.ops;

import io.keyrelay.edge.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Browser hardening for every response of the router (admin API, UI, operations routes): a strict
 * Content-Security-Policy (same-origin scripts, styles, images and fetches only; no inline code, no framing, no
 * plugins), {@code X-Frame-Options: DENY}, {@code X-Content-Type-Options: nosniff}, no referrer, and HSTS when the
 * request came over HTTPS (directly, or as a trusted proxy says): a browser that reached KeyRelay over HTTPS once then
 * never falls back to plain HTTP. Mounted first.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
    static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000";

    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    private final TrustedProxies trustedProxies;

    public SecurityHeaders(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response().headers()
                .set("content-security-policy", CONTENT_SECURITY_POLICY)
                .set("x-frame-options", "DENY")
                .set("x-content-type-options", "nosniff")
                .set("referrer-policy", "no-referrer");
        if (trustedProxies.overHttps(ctx.request())) {
            ctx.response().headers().set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
        }
        ctx.next();
    }
}
