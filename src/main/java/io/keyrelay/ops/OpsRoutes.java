package io.keyrelay.ops;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code GET /healthz} (the process is up), {@code GET /readyz} (database reachable, pool loaded, not stopping;
 * 503 with a reason otherwise) and {@code GET /metrics} (Prometheus text; bearer auth when
 * {@code KEYRELAY_METRICS_TOKEN} is set).
 */
public final class OpsRoutes {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private OpsRoutes() {
    }

    public static void mount(Router router, Operations ops) {
        router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
        router.get("/readyz").handler(ctx -> {
            Readiness.Status status = ops.readiness().current();
            ctx.response().setStatusCode(status.ready() ? 200 : 503);
            ctx.json(status.toJson());
        });
        Optional<byte[]> token = ops.config().metricsToken().map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
        router.get("/metrics").handler(ctx -> {
            if (token.isPresent() && !presented(ctx, token.get())) {
                ctx.response().setStatusCode(401).putHeader("www-authenticate", "Bearer")
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(new JsonObject().put("error", "Metrics need 'Authorization: Bearer <KEYRELAY_METRICS_TOKEN>'").encode());
                return;
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(ops.metrics().scrape());
        });
    }

    private static boolean presented(RoutingContext ctx, byte[] expected) {
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        return auth != null && MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8));
    }
}
