package io.keyrelay.app;

import io.keyrelay.ops.OpsRoutes;
import io.keyrelay.ops.SecurityHeaders;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** Every HTTP route KeyRelay serves, mounted on one router per event loop. */
final class Routes {
    private Routes() {
    }

    static Router build(Vertx vertx, Services services) {
        Router router = Router.router(vertx);
        router.route().handler(new SecurityHeaders());
        OpsRoutes.mount(router, services.operations());
        io.keyrelay.admin.AdminApi.mount(router, services);
        io.keyrelay.admin.ui.AdminUi.mount(router);
        return router;
    }
}
