package io.keyrelay.app;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Every HTTP route KeyRelay serves, mounted on one router per event loop. */
final class Routes {
    private Routes() {
    }

    static Router build(Vertx vertx, Services services) {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "ok")));
        io.keyrelay.admin.AdminApi.mount(router, services);
        io.keyrelay.admin.ui.AdminUi.mount(router);
        return router;
    }
}
