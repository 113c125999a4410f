package io.keyrelay.app;

import io.keyrelay.config.Config;
import io.keyrelay.edge.SlowClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * One event loop's HTTP server; KeyRelay deploys one per configured event loop, all sharing the port. Its
 * connections are watched for slow clients ({@link SlowClients}) before any request reaches the front door.
 */
final class HttpVerticle extends VerticleBase {
    private final HttpServerOptions options;
    private final Config.Edge edge;
    private final Duration shutdownGrace;
    private final BiFunction<io.vertx.core.Vertx, io.vertx.core.Context, FrontDoor> routes;
    private HttpServer server;
    private FrontDoor door;

    HttpVerticle(HttpServerOptions options, Config.Edge edge, Duration shutdownGrace,
                 BiFunction<io.vertx.core.Vertx, io.vertx.core.Context, FrontDoor> routes) {
        this.options = options;
        this.edge = edge;
        this.shutdownGrace = shutdownGrace;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        door = routes.apply(vertx, context);
        SlowClients slow = new SlowClients(vertx, edge.headerTimeout(), edge.minBodyRate(), door::refuseSlowBody);
        server = vertx.createHttpServer(options)
                .connectionHandler(slow::connected)
                .requestHandler(req -> {
                    slow.requestStarted(req);
                    door.handle(req);
                });
        return server.listen();
    }

    int actualPort() {
        return server.actualPort();
    }

    /**
     * Stops accepting at once; requests under way (streams too) may finish within the grace, then are closed; then
     * the proxy's idle upstream connections are closed.
     */
    @Override
    public Future<?> stop() {
        if (server == null) {
            return Future.succeededFuture();
        }
        return server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS).andThen(done -> door.close());
    }
}
