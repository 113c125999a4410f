package io.keyrelay.support;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.BackupKeyStore;
import io.keyrelay.keys.EventLog;
import io.keyrelay.keys.KeyAdministration;
import io.keyrelay.keys.KeyLifecycle;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.KeyRotation;
import io.keyrelay.keys.KeyStore;
import io.keyrelay.keys.PeerRegistry;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.PoolMaintenance;
import io.keyrelay.keys.RotationBrake;
import io.keyrelay.keys.RotationStep;
import io.keyrelay.keys.StateWriter;
import io.keyrelay.keys.UsageLedger;
import io.keyrelay.storage.MongoStorage;
import java.time.Duration;

/**
 * One instance's key-pool domain over a real (embedded) database, with a fake clock and state changes written
 * synchronously, so tests see their effect at once.
 */
public final class PoolFixture {
    public final MongoStorage storage;
    public final MutableClock clock;
    public final KeyStore keys;
    public final BackupKeyStore backups;
    public final EventLog events;
    public final KeyPool pool;
    public final KeyRotation rotation;
    public final KeyLifecycle lifecycle;
    public final KeyAdministration admin;
    public final PoolMaintenance maintenance;
    public final PeerRegistry peers;
    /** How long a peer's heartbeat may be silent before this instance takes it for dead. */
    public static final Duration PEER_STALE_AFTER = Duration.ofSeconds(5);

    public PoolFixture(MongoStorage storage, MutableClock clock, String instance) {
        this(storage, clock, instance, StateWriter.direct(), RotationStep.Listener.NONE);
    }

    public PoolFixture(MongoStorage storage, MutableClock clock, String instance, StateWriter writer,
                       RotationStep.Listener listener) {
        this.storage = storage;
        this.clock = clock;
        this.keys = storage.keys();
        this.backups = storage.backupKeys();
        this.events = storage.events();
        this.pool = new KeyPool(clock);
        this.rotation = new KeyRotation(keys, backups, events, clock, instance, Duration.ofHours(24), listener);
        this.lifecycle = new KeyLifecycle(pool, keys, rotation, events, writer, clock, instance, Duration.ofMinutes(2),
                new RotationBrake(Integer.MAX_VALUE, clock));
        this.admin = new KeyAdministration(pool, keys, events, clock, instance);
        this.peers = storage.peers();
        this.maintenance = new PoolMaintenance(pool, keys, backups, lifecycle, rotation, new UsageLedger(), writer,
                clock, Duration.ofSeconds(30), Duration.ofHours(12), events, Duration.ofDays(90), peers, PEER_STALE_AFTER);
    }

    /** Writes this instance's heartbeat at the fixture clock's time. */
    public void beat(String instance) {
        peers.beat(instance, clock.instant());
    }

    public PoolKey addKey(String id, boolean enableFailover) {
        return admin.add(id, "sk-test-" + id + "-0123456789abcdef", enableFailover);
    }

    public BackupKey addBackup(String id, boolean enableFailover) {
        BackupKey b = BackupKey.fresh(id, "sk-backup-" + id + "-0123456789abcdef", enableFailover, clock.instant());
        backups.insert(b);
        clock.advance(Duration.ofMillis(1)); // keep creation order distinct
        return b;
    }

    public PoolKey key(String id) {
        return pool.get(id).orElseThrow(() -> new AssertionError("no key " + id + " in the pool"));
    }

    public PoolKey stored(String id) {
        return keys.find(id).orElseThrow(() -> new AssertionError("no key " + id + " in the database"));
    }
}
