package io.keyrelay.ops;

import io.keyrelay.config.Config;
import io.keyrelay.keys.BackupKeyStore;
import io.keyrelay.keys.EventReason;
import io.keyrelay.keys.KeyEvent;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.SerialStateWriter;
import io.keyrelay.keys.StoreUnavailableException;
import io.keyrelay.proxy.ProxyObserver;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything an operator watches: metrics, readiness and the low-backup alert. One daemon thread ("keyrelay-ops")
 * pings the database, counts backup keys and schedules webhook retries, so none of it runs on a request's path.
 */
public final class Operations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Operations.class);

    private final Config.Operations config;
    private final RelayMetrics metrics;
    private final Readiness readiness;
    private final BackupAlerts alerts;
    private final BackupKeyStore backups;
    private final ScheduledExecutorService scheduler;
    private final int rotationBurst;

    private Operations(Config.Operations config, RelayMetrics metrics, Readiness readiness, BackupAlerts alerts,
                       BackupKeyStore backups, ScheduledExecutorService scheduler, int rotationBurst) {
        this.config = config;
        this.metrics = metrics;
        this.readiness = readiness;
        this.alerts = alerts;
        this.backups = backups;
        this.scheduler = scheduler;
        this.rotationBurst = rotationBurst;
    }

    /** Builds the metrics and alert state; nothing runs until {@link #start}. */
    public static Operations create(Config config, Clock clock, KeyPool pool, BackupKeyStore backups,
                                    SerialStateWriter writer, BooleanSupplier ping) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyrelay-ops");
            t.setDaemon(true);
            return t;
        });
        Config.Operations c = config.operations();
        var sender = c.alertWebhook()
                .<Consumer<JsonObject>>map(url -> new AlertWebhook(url, scheduler, AlertWebhook.BACKOFF))
                .orElse(alert -> { }); // no webhook: alerts are logged and shown only
        BackupAlerts alerts = new BackupAlerts(c.backupLowWatermark(), c.alertRepeatInterval(), clock,
                config.server().instanceId(), sender);
        Readiness readiness = new Readiness(ping, writer::queued);
        RelayMetrics metrics = new RelayMetrics();
        metrics.watchPool(pool);
        metrics.gauge("keyrelay.backup.keys.available", "Unused backup keys at the last count (-1: not counted yet)",
                () -> (int) alerts.availableBackups());
        metrics.gauge("keyrelay.database.up", "1 when the database answered the last ping",
                () -> readiness.databaseReachable() ? 1 : 0);
        metrics.gauge("keyrelay.ready", "1 when /readyz answers 200", () -> readiness.current().ready() ? 1 : 0);
        metrics.gauge("keyrelay.state.changes.queued", "State changes waiting to be written to the database", writer::queued);
        for (BackupAlerts.Condition condition : BackupAlerts.Condition.values()) {
            metrics.gauge("keyrelay.alert.active", "1 while the alert is raised", "condition", condition.wireName(),
                    () -> alerts.isActive(condition) ? 1 : 0);
        }
        return new Operations(c, metrics, readiness, alerts, backups, scheduler, config.pool().rotationBurst());
    }

    /** Starts the periodic database ping and backup count ({@code backupCheckEvery}: the pool's sync interval). */
    public void start(Duration backupCheckEvery) {
        readiness.probe();
        long probeMs = config.healthCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(readiness::probe, probeMs, probeMs, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::checkBackups, 0, backupCheckEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    public ProxyObserver proxyObserver() {
        return metrics;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public Readiness readiness() {
        return readiness;
    }

    public BackupAlerts alerts() {
        return alerts;
    }

    public Config.Operations config() {
        return config;
    }

    /** Called for every recorded key state change (on the state writer's thread; must not throw). */
    public void onKeyEvent(KeyEvent event) {
        metrics.onKeyEvent(event);
        if (EventReason.NO_BACKUP_LEFT.wireName().equals(event.reason())) {
            alerts.keyExhausted(event.keyId());
        } else if (EventReason.ROTATION_PAUSED.wireName().equals(event.reason())) {
            alerts.rotationsPaused(event.keyId(), rotationBurst);
        } else if (EventReason.ROTATED_IN.wireName().equals(event.reason())) {
            checkBackupsSoon(); // a backup key was used up
        }
    }

    /** Counts backup keys now, on the operations thread. */
    public void checkBackupsSoon() {
        try {
            scheduler.execute(this::checkBackups);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void checkBackups() {
        alerts.expireRotationBurst();
        try {
            alerts.backupCount(backups.countAvailable());
        } catch (StoreUnavailableException e) {
            // the outage shows on /readyz; the count is retried on the next check
        } catch (RuntimeException e) {
            log.warn("could not count backup keys: {}", e.toString());
        }
    }

    /** Stops the periodic work; webhook deliveries already under way get a moment to finish. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        metrics.close();
    }
}
