package io.keyrelay.proxy;

import io.keyrelay.app.Services;
import io.keyrelay.config.Config;
import io.keyrelay.upstream.Endpoints;
import io.keyrelay.upstream.UsageReader;
import io.vertx.core.Vertx;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.time.Instant;

/**
 * What every exchange on one event loop shares: that loop's upstream client, the endpoints, the timeouts, the usage
 * readers' scratch array.
 */
final class ProxyContext {
    private static final long KEEP_ALIVE_MS = 60_000;
    private static final int MAX_IDLE_PER_HOST = 1_024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    final Vertx vertx;
    final UpstreamClient upstream;
    final Services services;
    final Endpoints endpoints;
    final ProxyObserver observer;
    final int maxAttempts;
    final long maxBodyBytes;
    final long connectTimeoutMs;
    final long firstByteTimeoutMs;
    final long streamIdleTimeoutMs;
    final Deadlines deadlines;
    final UsageReader.Scratch usageScratch = new UsageReader.Scratch();

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
        // one client per event loop, on that loop, so a stream's upstream and client connections share a thread
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        VertxInternal internal = (VertxInternal) vertx;
        boolean https = java.util.stream.Stream.of(up.primaryMessages(), up.primaryCompletions(), up.failoverMessages(),
                up.failoverCompletions()).anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
        SslContext tls = https ? UpstreamTls.context(up.caFile()) : null; // at start, not on a request
        this.upstream = new UpstreamClient(context.nettyEventLoop(), internal.transport().channelFactory(false),
                internal.nameResolver().nettyAddressResolverGroup(), tls, connectTimeoutMs, KEEP_ALIVE_MS,
                MAX_IDLE_PER_HOST, MAX_HEADER_BYTES);
    }

    /**
     * The wall clock to the millisecond, as the request path needs it (usage timestamps, failover windows, waits): the
     * system clock's {@code instant()} goes through a JNI call, its {@code millis()} is an intrinsic.
     */
    Instant now() {
        return Instant.ofEpochMilli(services.clock().millis());
    }
}
