package io.keyrelay.app;

import io.keyrelay.config.Config;
import io.keyrelay.keys.Heartbeat;
import io.keyrelay.keys.PoolMaintenance;
import io.keyrelay.keys.SerialStateWriter;
import io.keyrelay.keys.StoreUnavailableException;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The periodic work of one instance: its heartbeat (on a thread of its own); reloading the pool and client keys, the
 * cooldown sweep, taking over dead peers' rotations and usage flushes, all run in order on the state writer. While
 * the database is down the writer holds its head task, so each kind of periodic work keeps at most one run queued
 * instead of piling one up per tick; usage waits, summed per key in its ledger (bounded by the number of keys), and
 * nothing is dropped.
 */
final class Housekeeping {
    private final Services services;
    private final PoolMaintenance maintenance;
    private final Heartbeat heartbeat;
    private final List<Long> timers = new ArrayList<>();
    private final AtomicBoolean reloadQueued = new AtomicBoolean();
    private final AtomicBoolean sweepQueued = new AtomicBoolean();
    private final AtomicBoolean usageQueued = new AtomicBoolean();
    private final AtomicBoolean takeoverQueued = new AtomicBoolean();
    private final AtomicBoolean usageOverTimeQueued = new AtomicBoolean();

    /** @param heartbeat already beating: the first beat is written before the instance serves */
    Housekeeping(Services services, PoolMaintenance maintenance, Heartbeat heartbeat) {
        this.services = services;
        this.maintenance = maintenance;
        this.heartbeat = heartbeat;
    }

    void start(Vertx vertx) {
        Config.Pool p = services.config().pool();
        timers.add(vertx.setPeriodic(p.syncInterval().toMillis(), id -> reload()));
        timers.add(vertx.setPeriodic(p.cooldownSweepInterval().toMillis(), id -> sweep()));
        timers.add(vertx.setPeriodic(p.usageFlushInterval().toMillis(), id -> flushUsage()));
        timers.add(vertx.setPeriodic(services.config().insight().usageFlushInterval().toMillis(), id -> flushUsageOverTime()));
        timers.add(vertx.setPeriodic(services.config().resilience().heartbeatInterval().toMillis(), id -> takeOver()));
    }

    /** Stops the heartbeat and leaves the instance registry; call once the writer has drained. */
    void leave() {
        heartbeat.close();
    }

    private void takeOver() {
        if (takeoverQueued.compareAndSet(false, true)) {
            maintenance.takeOverFromDeadPeers();
            writer().submit("take-over done", () -> takeoverQueued.set(false));
        }
    }

    void stop(Vertx vertx) {
        timers.forEach(vertx::cancelTimer);
        timers.clear();
    }

    private void reload() {
        if (reloadQueued.compareAndSet(false, true)) {
            maintenance.reload();
            writer().submit("reload client keys and sessions", clearing(reloadQueued, () -> {
                services.clientKeys().liveInstances(liveInstances());
                services.clientKeys().reload();
                services.adminAuth().reloadRevocations();
            }));
        }
    }

    private void sweep() {
        if (sweepQueued.compareAndSet(false, true)) {
            maintenance.sweep();
            writer().submit("sweep done", () -> {
                services.adminAuth().pruneRevocations();
                sweepQueued.set(false);
            });
        }
    }

    /** Writes usage over time (hourly buckets), unless the last write is still queued. */
    void flushUsageOverTime() {
        if (usageOverTimeQueued.compareAndSet(false, true)) {
            writer().submit("usage over time", clearing(usageOverTimeQueued, () -> services.usageOverTime().flush()));
        }
    }

    /** Writes counted usage of keys and client keys, unless the last flush is still queued. */
    void flushUsage() {
        if (!usageQueued.compareAndSet(false, true)) {
            return; // the counts stay in the ledgers and go with the next flush
        }
        maintenance.flushUsage();
        writer().submit("client usage", () -> {
            try {
                services.clientKeys().flushUsage();
            } catch (StoreUnavailableException e) {
                // kept in the ledger for the next flush
            } finally {
                usageQueued.set(false);
            }
        });
    }

    /** Instances whose heartbeat is fresh (this one included): they share each client key's limits. */
    private int liveInstances() {
        java.time.Instant freshAfter = services.clock().instant().minus(services.config().resilience().peerStaleAfter());
        return (int) services.storage().peers().lastBeats().values().stream().filter(at -> at.isAfter(freshAfter)).count();
    }

    private SerialStateWriter writer() {
        return services.writer();
    }

    /** The task, then the flag cleared; an outage leaves the flag set while the writer retries the task. */
    private static Runnable clearing(AtomicBoolean flag, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (StoreUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                flag.set(false);
                throw e;
            }
            flag.set(false);
        };
    }
}
