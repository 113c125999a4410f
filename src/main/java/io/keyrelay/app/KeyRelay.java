package io.keyrelay.app;

import io.keyrelay.admin.AdminAuth;
import io.keyrelay.admin.AdminServices;
import io.keyrelay.proxy.ProxyServices;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.config.Config;
import io.keyrelay.edge.BodyBudget;
import io.keyrelay.edge.TrustedProxies;
import io.keyrelay.insight.InsightWriter;
import io.keyrelay.insight.RequestLog;
import io.keyrelay.insight.UsageBuckets;
import io.keyrelay.insight.UsageOverTime;
import io.keyrelay.insight.UsageReport;
import io.keyrelay.keys.BackupKeyAdministration;
import io.keyrelay.keys.EndpointBreakers;
import io.keyrelay.keys.FailureClassifier;
import io.keyrelay.keys.Heartbeat;
import io.keyrelay.keys.KeyAdministration;
import io.keyrelay.keys.KeyLifecycle;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.KeyRotation;
import io.keyrelay.keys.PoolMaintenance;
import io.keyrelay.keys.RotationBrake;
import io.keyrelay.keys.RotationStep;
import io.keyrelay.keys.SerialStateWriter;
import io.keyrelay.keys.UsageLedger;
import io.keyrelay.keytest.KeyTester;
import io.keyrelay.ops.Operations;
import io.keyrelay.storage.MongoStorage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole service: storage, the key pool and its timers, operations (metrics, readiness, alerts), the HTTP servers. */
public final class KeyRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyRelay.class);
    /** How long shutdown waits for queued state changes and usage to reach the database. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

    private final Services services;
    private final Housekeeping housekeeping;
    private final Vertx vertx;
    private final AtomicBoolean closed = new AtomicBoolean();
    private int port;

    private KeyRelay(Services services, Housekeeping housekeeping, Vertx vertx) {
        this.services = services;
        this.housekeeping = housekeeping;
        this.vertx = vertx;
    }

    public static KeyRelay start(Config config) {
        return start(config, Clock.systemUTC(), RotationStep.Listener.NONE);
    }

    public static KeyRelay start(Config config, Clock clock, RotationStep.Listener rotationListener) {
        MongoStorage storage = MongoStorage.open(config.storage());
        String instance = config.server().instanceId();
        var keys = storage.keys();
        var backups = storage.backupKeys();
        ObservedEventLog events = new ObservedEventLog(storage.events());
        Config.Resilience resilience = config.resilience();
        KeyPool pool = new KeyPool(clock, new EndpointBreakers(new EndpointBreakers.Settings(resilience.breakerFailures(),
                resilience.breakerOpen(), resilience.breakerMaxOpen()), clock));
        SerialStateWriter writer = new SerialStateWriter("keyrelay-state-writer");
        KeyRotation rotation = new KeyRotation(keys, backups, events, clock, instance,
                config.pool().exhaustedCooldown(), rotationListener);
        KeyLifecycle lifecycle = new KeyLifecycle(pool, keys, rotation, events, writer, clock, instance,
                config.pool().rateLimitCooldown(), new RotationBrake(config.pool().rotationBurst(), clock));
        UsageLedger keyUsage = new UsageLedger();
        Operations operations = Operations.create(config, clock, pool, backups, writer, storage::ping);
        ClientKeys clientKeys = new ClientKeys(storage.clientKeys(), storage.clientWindows(), clock,
                () -> operations.readiness().databaseReachable());
        events.listen(operations::onKeyEvent);
        KeyAdministration administration = new KeyAdministration(pool, keys, events, clock, instance);
        Config.Insight insight = config.insight();
        RequestLog requestLog = insight.requestLogPerSecond() == 0 ? RequestLog.OFF
                : new RequestLog(Math.min(100_000, Math.max(1_000, insight.requestLogPerSecond() * 10)));
        UsageOverTime usageOverTime = new UsageOverTime(new UsageBuckets(), storage.usage(), clock);
        InsightWriter insightWriter = new InsightWriter(requestLog, storage.requestLog(), storage.usage(),
                new InsightWriter.Settings(insight.requestLogRetention(), insight.requestLogMaxEntries(),
                        insight.requestLogPerSecond(), insight.usageRetention()), clock, instance);
        operations.metrics().watchRequestLog(requestLog, insightWriter);
        operations.metrics().watchClientLimits(clientKeys);
        AdminAuth adminAuth = AdminAuth.start(config.admin(), new TrustedProxies(config.edge().trustedProxies()),
                storage.settings(), storage.sessionRevocations(), writer, clock, System.out);
        ProxyServices proxy = new ProxyServices(config.upstream(), config.server().maxBodyBytes(),
                new BodyBudget(config.edge().bodyBudgetBytes()), clock, pool, lifecycle,
                new FailureClassifier(config.keywords().quota(), config.keywords().permanentBlock()), keyUsage,
                clientKeys, operations.proxyObserver(), requestLog, usageOverTime.buckets());
        AdminServices admin = new AdminServices(adminAuth, keys, backups, new BackupKeyAdministration(keys, backups, clock),
                administration, keyUsage, clientKeys, events, clock, config.pool().usedBackupRetention(),
                operations::checkBackupsSoon, () -> operations.alerts().toJson(), storage.requestLog(),
                new UsageReport(storage.usage()),
                KeyTester.create(config.upstream(), config.admin().keyTestModel(), proxy.classifier(), clock));
        Services services = new Services(config, clock, storage, pool, keys, backups, events, lifecycle, administration,
                clientKeys, writer, adminAuth, operations, proxy, admin, usageOverTime, insightWriter);
        PoolMaintenance maintenance = new PoolMaintenance(pool, keys, backups, lifecycle, rotation, keyUsage, writer,
                clock, config.pool().rotationLease(), config.pool().usedBackupRetention(),
                events, config.pool().eventRetention(), storage.peers(), resilience.peerStaleAfter());
        Heartbeat heartbeat = new Heartbeat(storage.peers(), instance, clock);
        heartbeat.start(resilience.heartbeatInterval());
        maintenance.start();
        insightWriter.start();
        clientKeys.reload();
        operations.readiness().markPoolLoaded();
        log.info("key pool loaded: {} keys, {} available", pool.size(), pool.availableCount());
        operations.start(config.pool().syncInterval());

        // Linux's epoll transport when its native library loads (it ships in the jar), Java NIO otherwise
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.server().eventLoops())
                .setPreferNativeTransport(true));
        if (!vertx.isNativeTransportEnabled()) {
            log.info("network transport: Java NIO ({})", String.valueOf(vertx.unavailableNativeTransportCause()));
        }
        KeyRelay relay = new KeyRelay(services, new Housekeeping(services, maintenance, heartbeat), vertx);
        relay.deployHttp();
        relay.housekeeping.start(vertx);
        log.info("KeyRelay listening on {}:{} (instance {})", config.server().host(), relay.port, instance);
        warnIfMetricsOpen(config, relay.port);
        return relay;
    }

    /** Metrics show traffic per client key id and the pool's health: without a token, only loopback keeps them local. */
    private static void warnIfMetricsOpen(Config config, int port) {
        String host = config.server().host();
        if (config.operations().metricsToken().isPresent() || isLoopback(host)) {
            return;
        }
        log.warn("/metrics is open to anyone who can reach {}:{}: set KEYRELAY_METRICS_TOKEN to require a bearer token",
                host, port);
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Vert.x decodes JSON with Jackson databind, which builds its deserializers under a lock on first use; decoding
     * once here, before any event loop serves, keeps that lock off the event loops (upstream error bodies and
     * usage requests are decoded there).
     */
    private static void warmJsonDecoding() {
        new JsonObject("{\"a\":[1,\"b\",{\"c\":null,\"d\":true,\"e\":1.5}]}");
        new JsonArray("[{}]");
    }

    private void deployHttp() {
        Config config = services.config();
        Config.Server server = config.server();
        HttpServerOptions options = serverOptions(config);
        List<HttpVerticle> verticles = new java.util.concurrent.CopyOnWriteArrayList<>();
        warmJsonDecoding();
        await(vertx.deployVerticle(() -> {
            HttpVerticle v = new HttpVerticle(options, config.edge(), server.shutdownGrace(),
                    (vx, ctx) -> FrontDoor.create(vx, services));
            verticles.add(v);
            return v;
        }, new DeploymentOptions().setInstances(server.eventLoops())));
        port = verticles.get(0).actualPort();
    }

    /**
     * The client-facing HTTP server's options. Public for the benchmark's Vert.x floor (bench/), which serves with
     * exactly these to measure what Vert.x's server costs before KeyRelay does anything.
     */
    public static HttpServerOptions serverOptions(Config config) {
        Config.Server server = config.server();
        return new HttpServerOptions()
                .setHost(server.host())
                // port 0 asks for a random port; -1 asks Vert.x for one random port shared by all event loops
                .setPort(server.port() == 0 ? -1 : server.port())
                .setTcpNoDelay(true)
                .setHandle100ContinueAutomatically(true) // curl, .NET and Java clients send Expect: 100-continue
                .setCompressionSupported(false)
                // HTTP/1.1 only: no client needs HTTP/2 over cleartext, and every protocol spoken is one more to defend
                .setHttp2ClearTextEnabled(false)
                // no WebSocket route exists: without these, every request and answer passes an extension handler
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setIdleTimeout((int) clientIdleTimeout(config).toSeconds())
                // every request and answer is handled on its connection's event loop: writes go straight to the
                // channel, without Vert.x's cross-thread outbound queue (an answer written from another thread fails)
                .setStrictThreadMode(true);
    }

    /**
     * A client connection with nothing read or written for this long is closed: longer than any wait a request can
     * legitimately have (first byte, stream idle), so it only ends abandoned keep-alives and stalled clients.
     */
    static Duration clientIdleTimeout(Config config) {
        Config.Upstream up = config.upstream();
        Duration longest = up.firstByteTimeout().compareTo(up.streamIdleTimeout()) > 0
                ? up.firstByteTimeout() : up.streamIdleTimeout();
        return longest.plusSeconds(30).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    }

    public int port() {
        return port;
    }

    public Services services() {
        return services;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Graceful stop (SIGTERM runs this through Main's shutdown hook): /readyz turns 503, the servers stop accepting,
     * requests under way (streams included) may finish within {@code KEYRELAY_SHUTDOWN_GRACE}, then queued state
     * changes and usage are written and the database is closed.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("KeyRelay stopping: no new connections; open requests have {} to finish",
                services.config().server().shutdownGrace());
        services.operations().readiness().markShuttingDown();
        housekeeping.stop(vertx);
        Duration grace = services.config().server().shutdownGrace();
        try {
            vertx.close().await(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("HTTP servers did not stop cleanly: {}", e.toString());
        }
        // what is queued first (a usage flush may be waiting behind it), then the usage counted since
        boolean written = drain();
        if (written) {
            housekeeping.flushUsage();
            housekeeping.flushUsageOverTime();
            written = drain();
        }
        if (written && services.storage().ping()) {
            log.info("queued state changes and usage written");
        } else if (written) {
            log.warn("database unreachable at shutdown: usage counted since the last flush could not be written");
        } else {
            log.warn("{} state changes could not be written before shutdown (database unreachable)",
                    services.writer().queued());
        }
        services.insightWriter().close();
        services.clientKeys().close();
        services.operations().close();
        housekeeping.leave();
        services.writer().close();
        services.storage().close();
        log.info("KeyRelay stopped");
    }

    private boolean drain() {
        try {
            return services.writer().drain(FLUSH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the HTTP server: " + e.getMessage(), e);
        }
    }
}
