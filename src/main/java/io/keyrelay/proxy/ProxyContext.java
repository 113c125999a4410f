package io.keyrelay.proxy;

import io.keyrelay.app.Services;
import io.keyrelay.config.Config;
import io.keyrelay.upstream.Endpoints;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/** What every exchange on one event loop shares: that loop's upstream client, the endpoints, the timeouts. */
final class ProxyContext {
    final Vertx vertx;
    final HttpClient client;
    final Services services;
    final Endpoints endpoints;
    final ProxyObserver observer;
    final int maxAttempts;
    final long maxBodyBytes;
    final long connectTimeoutMs;
    final long firstByteTimeoutMs;
    final long streamIdleTimeoutMs;
    final Deadlines deadlines;

    ProxyContext(Vertx vertx, Services services) {
        this.vertx = vertx;
        this.services = services;
        Config.Upstream up = services.config().upstream();
        this.endpoints = Endpoints.from(up);
        this.observer = services.operations().proxyObserver();
        this.maxAttempts = up.maxAttempts();
        this.maxBodyBytes = services.config().server().maxBodyBytes();
        this.connectTimeoutMs = up.connectTimeout().toMillis();
        this.firstByteTimeoutMs = up.firstByteTimeout().toMillis();
        this.streamIdleTimeoutMs = up.streamIdleTimeout().toMillis();
        this.deadlines = new Deadlines(vertx, Math.min(firstByteTimeoutMs, streamIdleTimeoutMs));
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
                .setDecompressionSupported(false)
                .setVerifyHost(true)
                .setForceSni(true)
                .setMaxHeaderSize(64 * 1024);
        // one client per event loop, so a stream's upstream and client connections share a thread
        this.client = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(4_096).setMaxWaitQueueSize(-1))
                // a malformed upstream answer already fails its request (and is retried or reported); without a
                // handler Vert.x would also log every such connection error at ERROR
                .withConnectHandler(conn -> conn.exceptionHandler(err ->
                        org.slf4j.LoggerFactory.getLogger(ProxyContext.class).debug("upstream connection error: {}", err.toString())))
                .build();
    }
}
