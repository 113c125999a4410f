package io.keyrelay.app;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/** One event loop's HTTP server; KeyRelay deploys one per configured event loop, all sharing the port. */
final class HttpVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final Duration shutdownGrace;
    private final BiFunction<io.vertx.core.Vertx, io.vertx.core.Context, Handler<HttpServerRequest>> routes;
    private HttpServer server;

    HttpVerticle(HttpServerOptions options, Duration shutdownGrace,
                 BiFunction<io.vertx.core.Vertx, io.vertx.core.Context, Handler<HttpServerRequest>> routes) {
        this.options = options;
        this.shutdownGrace = shutdownGrace;
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

    /** Stops accepting at once; requests under way (streams too) may finish within the grace, then are closed. */
    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture()
                : server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
    }
}
