package io.keyrelay.app;

import io.keyrelay.edge.AllowedHosts;
import io.keyrelay.edge.EarlyAnswers;
import io.keyrelay.edge.TrustedProxies;
import io.keyrelay.ops.OpsRoutes;
import io.keyrelay.ops.SecurityHeaders;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Every HTTP route KeyRelay serves, mounted on one router per event loop. */
final class Routes {
    private Routes() {
    }

    static Router build(Vertx vertx, Services services) {
        Router router = Router.router(vertx);
        router.route().handler(new SecurityHeaders(new TrustedProxies(services.config().edge().trustedProxies())));
        AllowedHosts hosts = new AllowedHosts(services.config().edge().allowedHosts());
        if (!hosts.any()) {
            router.route().handler(ctx -> checkHost(ctx, hosts));
        }
        OpsRoutes.mount(router, services.operations());
        io.keyrelay.admin.AdminApi.mount(router, services.admin());
        io.keyrelay.admin.ui.AdminUi.mount(router);
        router.route().last().handler(ctx -> io.keyrelay.proxy.ProxyHandler.notFound(ctx.request()));
        return router;
    }

    /**
     * The admin API, the UI (all under {@code /admin}, and {@code /} that leads there) and the metrics answer only
     * the allowed host names; health probes, which name an address, are left alone.
     */
    private static void checkHost(RoutingContext ctx, AllowedHosts hosts) {
        String path = ctx.normalizedPath();
        boolean guarded = path.equals("/") || path.equals("/metrics") || path.equals("/admin") || path.startsWith("/admin/");
        if (!guarded || hosts.allows(ctx.request().authority())) {
            ctx.next();
            return;
        }
        EarlyAnswers.closeIfBodyPending(ctx.request());
        ctx.response().setStatusCode(403).putHeader("content-type", "application/json")
                .end("{\"error\":\"This host name is not allowed here (KEYRELAY_ALLOWED_HOSTS)\"}");
    }
}
