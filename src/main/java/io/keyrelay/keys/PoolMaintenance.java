package io.keyrelay.keys;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's periodic work, each run on the {@link StateWriter} so it is ordered with state changes: reloading
 * from the database (how instances converge), the cooldown sweep, finishing rotations of dead peers (at once) and
 * stale ones (after the lease), deleting used backup keys after their retention, and writing usage.
 */
public final class PoolMaintenance {
    private static final Logger log = LoggerFactory.getLogger(PoolMaintenance.class);

    private final KeyPool pool;
    private final KeyStore keys;
    private final BackupKeyStore backups;
    private final KeyLifecycle lifecycle;
    private final KeyRotation rotation;
    private final UsageLedger usage;
    private final StateWriter writer;
    private final Clock clock;
    private final Duration rotationLease;
    private final Duration usedBackupRetention;
    private final Duration eventRetention;
    private final EventLog events;
    private final PeerRegistry peers;
    private final Duration peerStaleAfter;

    public PoolMaintenance(KeyPool pool, KeyStore keys, BackupKeyStore backups, KeyLifecycle lifecycle,
                           KeyRotation rotation, UsageLedger usage, StateWriter writer, Clock clock,
                           Duration rotationLease, Duration usedBackupRetention, EventLog events,
                           Duration eventRetention, PeerRegistry peers, Duration peerStaleAfter) {
        this.pool = pool;
        this.keys = keys;
        this.backups = backups;
        this.lifecycle = lifecycle;
        this.rotation = rotation;
        this.usage = usage;
        this.writer = writer;
        this.clock = clock;
        this.rotationLease = rotationLease;
        this.usedBackupRetention = usedBackupRetention;
        this.events = events;
        this.eventRetention = eventRetention;
        this.peers = peers;
        this.peerStaleAfter = peerStaleAfter;
    }

    /** At start, synchronously: finish this instance's interrupted rotations, then load the pool. */
    public void start() {
        rotation.recover(true, rotationLease);
        reloadNow();
    }

    public void reload() {
        writer.submit("reload pool", this::reloadNow);
    }

    public void sweep() {
        writer.submit("cooldown sweep", () -> {
            int recovered = lifecycle.sweepCooldowns();
            int finished = rotation.recover(false, rotationLease);
            long deleted = backups.deleteUsedBefore(clock.instant().minus(usedBackupRetention));
            long pruned = events.deleteBefore(clock.instant().minus(eventRetention));
            if (recovered + finished + deleted + pruned > 0) {
                log.info("sweep: {} keys back from cooldown, {} stale rotations finished, {} used backup keys deleted, "
                        + "{} old events pruned", recovered, finished, deleted, pruned);
            }
        });
    }

    /**
     * Finishes the rotations of peers taken for dead (their heartbeat stale), then reloads at once when it finished
     * any, so that requests waiting for those rotations find the replacements.
     */
    public void takeOverFromDeadPeers() {
        writer.submit("take over dead peers' rotations", () -> {
            if (rotation.takeOverFromDeadPeers(peers, peerStaleAfter) > 0) {
                reloadNow();
            }
        });
    }

    public void flushUsage() {
        Map<String, UsageDelta> batch = usage.drain();
        if (batch.isEmpty()) {
            return;
        }
        writer.submit("usage", () -> {
            try {
                keys.addUsage(batch);
            } catch (StoreUnavailableException e) {
                // usage may wait for the next flush; state changes behind it must not
                usage.restore(batch);
            }
        });
    }

    private void reloadNow() {
        long stamp = pool.stamp();
        StoredPool stored = keys.loadPool();
        pool.reload(stored.keys(), stored.rotating(), stamp);
    }
}
