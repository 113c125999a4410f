package io.keyrelay.app;

import io.keyrelay.proxy.ClientRoute;
import io.keyrelay.proxy.ProxyHandler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * The first handler of every request: proxy routes go straight to the proxy, all
 * others to the router of admin, UI and operations routes.
 */
final class FrontDoor implements Handler<HttpServerRequest> {
    private final ProxyHandler proxy;
    private final Router router;

    private FrontDoor(ProxyHandler proxy, Router router) {
        this.proxy = proxy;
        this.router = router;
    }

    /** Call on the event loop it serves. */
    static FrontDoor create(Vertx vertx, Services services) {
        return new FrontDoor(new ProxyHandler(vertx, services.proxy()), Routes.build(vertx, services));
    }

    /** On the event loop, when the server has stopped. */
    void close() {
        proxy.close();
    }

    /** Answers a request whose body arrived too slowly (408), in the format of its route. */
    void refuseSlowBody(HttpServerRequest req) {
        if (ClientRoute.match(req) instanceof ClientRoute.Found found) {
            ProxyHandler.refuseSlowBody(req, found.route().dialect(req));
        } else {
            req.response().setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"error\":\"The request body arrived too slowly\"}");
        }
    }

    @Override
    public void handle(HttpServerRequest req) {
        ClientRoute.Match match = ClientRoute.match(req);
        if (match instanceof ClientRoute.Found found) {
            proxy.handle(req, found.route());
        } else if (match instanceof ClientRoute.WrongMethod wrong) {
            ProxyHandler.wrongMethod(req, wrong);
        } else {
            router.handle(req);
        }
    }
}
