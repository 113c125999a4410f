package io.keyrelay.app;

import io.keyrelay.admin.AdminAuth;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.config.Config;
import io.keyrelay.keys.FailureClassifier;
import io.keyrelay.keys.KeyAdministration;
import io.keyrelay.keys.KeyLifecycle;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.KeyRotation;
import io.keyrelay.keys.PoolMaintenance;
import io.keyrelay.keys.RotationStep;
import io.keyrelay.keys.SerialStateWriter;
import io.keyrelay.keys.UsageLedger;
import io.keyrelay.storage.MongoStorage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole service: storage, the key pool and its timers, and the HTTP servers. */
public final class KeyRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyRelay.class);

    private final Services services;
    private final PoolMaintenance maintenance;
    private final Vertx vertx;
    private final List<Long> timers = new ArrayList<>();
    private int port;

    private KeyRelay(Services services, PoolMaintenance maintenance, Vertx vertx) {
        this.services = services;
        this.maintenance = maintenance;
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
        var events = storage.events();
        KeyPool pool = new KeyPool(clock);
        SerialStateWriter writer = new SerialStateWriter("keyrelay-state-writer");
        KeyRotation rotation = new KeyRotation(keys, backups, events, clock, instance,
                config.pool().exhaustedCooldown(), rotationListener);
        KeyLifecycle lifecycle = new KeyLifecycle(pool, keys, rotation, events, writer, clock, instance,
                config.pool().rateLimitCooldown());
        UsageLedger keyUsage = new UsageLedger();
        ClientKeys clientKeys = new ClientKeys(storage.clientKeys(), clock);
        Services services = new Services(config, clock, storage, pool, keys, backups, events, storage.settings(),
                lifecycle, new KeyAdministration(pool, keys, events, clock, instance),
                new FailureClassifier(config.keywords().quota(), config.keywords().permanentBlock()),
                keyUsage, clientKeys, writer, AdminAuth.start(config.admin(), storage.settings(), clock, System.out));
        PoolMaintenance maintenance = new PoolMaintenance(pool, keys, backups, lifecycle, rotation, keyUsage, writer,
                clock, config.pool().rotationLease(), config.pool().usedBackupRetention());
        maintenance.start();
        clientKeys.reload();
        log.info("key pool loaded: {} keys, {} available", pool.size(), pool.availableCount());

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.server().eventLoops()));
        KeyRelay relay = new KeyRelay(services, maintenance, vertx);
        relay.deployHttp();
        relay.startTimers();
        log.info("KeyRelay listening on {}:{} (instance {})", config.server().host(), relay.port, instance);
        return relay;
    }

    private void deployHttp() {
        Config.Server server = services.config().server();
        // port 0 asks for a random port; -1 asks Vert.x for one random port shared by all event loops
        HttpServerOptions options = new HttpServerOptions()
                .setHost(server.host())
                .setPort(server.port() == 0 ? -1 : server.port())
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setIdleTimeout(0);
        List<HttpVerticle> verticles = new java.util.concurrent.CopyOnWriteArrayList<>();
        await(vertx.deployVerticle(() -> {
            HttpVerticle v = new HttpVerticle(options, (vx, ctx) -> FrontDoor.create(vx, services));
            verticles.add(v);
            return v;
        }, new DeploymentOptions().setInstances(server.eventLoops())));
        port = verticles.get(0).actualPort();
    }

    private void startTimers() {
        Config.Pool p = services.config().pool();
        timers.add(vertx.setPeriodic(p.syncInterval().toMillis(), id -> {
            maintenance.reload();
            services.writer().submit("reload client keys", services.clientKeys()::reload);
        }));
        timers.add(vertx.setPeriodic(p.cooldownSweepInterval().toMillis(), id -> maintenance.sweep()));
        timers.add(vertx.setPeriodic(p.usageFlushInterval().toMillis(), id -> flushUsage()));
    }

    private void flushUsage() {
        maintenance.flushUsage();
        services.writer().submit("client usage", () -> {
            try {
                services.clientKeys().flushUsage();
            } catch (io.keyrelay.keys.StoreUnavailableException e) {
                // kept in the ledger for the next flush
            }
        });
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

    /** Stops accepting, lets open requests finish within the grace period, writes what is queued, closes the database. */
    @Override
    public void close() {
        timers.forEach(vertx::cancelTimer);
        Duration grace = services.config().server().shutdownGrace();
        try {
            vertx.close().await(grace.toMillis() + 5000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("HTTP servers did not stop cleanly: {}", e.toString());
        }
        flushUsage();
        try {
            if (!services.writer().drain(Duration.ofSeconds(10))) {
                log.warn("{} state changes were still queued at shutdown", services.writer().queued());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.writer().close();
        services.storage().close();
        log.info("KeyRelay stopped");
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the HTTP server: " + e.getMessage(), e);
        }
    }
}
