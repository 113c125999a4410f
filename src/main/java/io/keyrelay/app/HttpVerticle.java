package io.keyrelay.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BiFunction;

/** One event loop's HTTP server; KeyRelay deploys one per configured event loop, all sharing the port. */
final class HttpVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final BiFunction<io.vertx.core.Vertx, io.vertx.core.Context, Handler<HttpServerRequest>> routes;
    private HttpServer server;

    HttpVerticle(HttpServerOptions options, BiFunction<io.vertx.core.Vertx, io.vertx.core.Context, Handler<HttpServerRequest>> routes) {
        this.options = options;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options).requestHandler(routes.apply(vertx, context));
        return server.listen();
    }

    int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown();
    }
}
