package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §3's invariants under concurrency, with real threads against one real database: a backup key is never handed
 * out twice or lost, and one failed key causes at most one rotation, across instances too.
 */
class RotationInvariantsTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private MongoStorage storage;
    private PoolFixture a;
    private PoolFixture b;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dataDir);
        a = new PoolFixture(storage, clock, "instance-a");
        b = new PoolFixture(storage, clock, "instance-b");
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static void sync(PoolFixture instance) {
        instance.pool.reload(instance.keys.loadAll(), instance.pool.stamp());
    }

    private long eventsWithReason(String keyId, EventReason reason) {
        return a.events.page(keyId, 0, 1000).stream().filter(e -> e.reason().equals(reason.wireName())).count();
    }

    @Test
    void twoInstancesSeeingOneKeyFailAtOnceRotateItOnce() throws Exception {
        int keys = 20;
        for (int i = 0; i < keys; i++) {
            a.addKey("k" + i, false);
        }
        for (int i = 0; i < 2 * keys; i++) {
            a.addBackup(String.format("b%02d", i), false);
        }
        b.maintenance.start();

        for (int i = 0; i < keys; i++) {
            String id = "k" + i;
            PoolKey seenByA = a.key(id);
            PoolKey seenByB = b.key(id);
            runTogether(List.of(
                    () -> a.lifecycle.onAnswer(seenByA, FailureClass.CREDENTIAL, 401, Optional.empty()),
                    () -> b.lifecycle.onAnswer(seenByB, FailureClass.CREDENTIAL, 401, Optional.empty())));

            assertTrue(a.keys.find(id).isEmpty(), id + " is rotated out");
            List<BackupKey> usedFor = a.backups.loadAll().stream().filter(k -> id.equals(k.usedFor())).toList();
            assertEquals(1, usedFor.size(), "one backup consumed for " + id);
            assertTrue(usedFor.get(0).activated());
            assertEquals(1, a.keys.loadAll().stream().filter(k -> id.equals(k.replacedKey())).count(),
                    "one replacement for " + id);
            assertEquals(1, eventsWithReason(id, EventReason.ROTATED_OUT), "one rotation of " + id);
        }

        assertEquals(keys, a.backups.countAvailable());
        assertEquals(keys, a.keys.loadAll().size());
        assertTrue(a.keys.pendingRotations(null, Instant.MAX).isEmpty());
        sync(a);
        sync(b);
        Set<String> stored = ids(a.keys.loadAll());
        assertEquals(stored, ids(a.pool.all()));
        assertEquals(stored, ids(b.pool.all()));
    }

    @Test
    void aKeyExhaustedByOneInstanceIsNotRotatedAgainByAnotherThatSawItFailAtTheSameMoment() {
        a.addKey("k1", false);
        b.maintenance.start();
        PoolKey seenByA = a.key("k1");
        PoolKey seenByB = b.key("k1");

        a.lifecycle.onAnswer(seenByA, FailureClass.QUOTA, 402, Optional.empty());
        Instant exhaustedUntil = a.stored("k1").cooldownUntil();
        clock.advanceSeconds(1);
        a.addBackup("b1", false); // even a backup arriving meanwhile is not spent on the same failure
        b.lifecycle.onAnswer(seenByB, FailureClass.QUOTA, 402, Optional.empty());

        assertEquals(KeyStatus.EXHAUSTED, a.stored("k1").status());
        assertEquals(exhaustedUntil, a.stored("k1").cooldownUntil());
        assertEquals(1, eventsWithReason("k1", EventReason.NO_BACKUP_LEFT));
        assertFalse(a.backups.find("b1").orElseThrow().isUsed());
        assertEquals(KeyStatus.EXHAUSTED, b.key("k1").status(), "the other instance adopts the stored state");
    }

    @Test
    void aKeySwitchedToFailoverByOneInstanceIsSwitchedOnceWhenAnotherSawTheSameFailure() {
        a.addKey("k1", true);
        a.addBackup("b1", false);
        b.maintenance.start();
        PoolKey seenByA = a.key("k1");
        PoolKey seenByB = b.key("k1");

        a.lifecycle.onAnswer(seenByA, FailureClass.QUOTA, 402, Optional.empty());
        b.lifecycle.onAnswer(seenByB, FailureClass.QUOTA, 402, Optional.empty());

        assertEquals(KeyStatus.USING_FAILOVER, a.stored("k1").status());
        assertEquals(1, eventsWithReason("k1", EventReason.QUOTA_EXCEEDED));
        assertEquals(KeyStatus.USING_FAILOVER, b.key("k1").status(), "the other instance adopts the stored state");
        assertFalse(a.backups.find("b1").orElseThrow().isUsed(), "a primary-endpoint 402 seen late does not rotate");
    }

    @Test
    void aHundredKeysFailingAtOnceShareFiftyBackupsWithoutLosingAny() throws Exception {
        int failing = 100;
        int spare = 50;
        for (int i = 0; i < failing; i++) {
            a.addKey(String.format("k%03d", i), false);
        }
        Map<String, BackupKey> backups = new java.util.HashMap<>();
        for (int i = 0; i < spare; i++) {
            BackupKey bk = a.addBackup(String.format("b%03d", i), false);
            backups.put(bk.id(), bk);
        }
        List<PoolKey> seen = a.pool.all();

        List<Runnable> failures = new ArrayList<>();
        for (PoolKey k : seen) {
            failures.add(() -> a.lifecycle.onAnswer(k, FailureClass.QUOTA, 402, Optional.empty()));
        }
        runTogether(failures);

        List<PoolKey> stored = a.keys.loadAll();
        List<PoolKey> replacements = stored.stream().filter(k -> k.replacedKey() != null).toList();
        List<PoolKey> exhausted = stored.stream().filter(k -> k.status() == KeyStatus.EXHAUSTED).toList();
        assertEquals(spare, replacements.size(), "50 rotations");
        assertEquals(failing - spare, exhausted.size(), "50 keys exhausted");
        assertEquals(failing, stored.size(), "no key lost");

        // every backup used exactly once, for a distinct failed key, and each is the replacement's key
        List<BackupKey> afterwards = a.backups.loadAll();
        assertEquals(spare, afterwards.size(), "no backup lost");
        assertTrue(afterwards.stream().allMatch(bk -> bk.isUsed() && bk.activated()));
        assertEquals(spare, afterwards.stream().map(BackupKey::usedFor).distinct().count());
        Map<String, PoolKey> byReplaced = replacements.stream()
                .collect(Collectors.toMap(PoolKey::replacedKey, Function.identity()));
        for (BackupKey bk : afterwards) {
            PoolKey replacement = byReplaced.get(bk.usedFor());
            assertEquals(backups.get(bk.id()).apiKey(), replacement.apiKey(), "backup " + bk.id());
        }
        Set<String> rotatedOut = byReplaced.keySet();
        Set<String> exhaustedIds = ids(exhausted);
        assertTrue(rotatedOut.stream().noneMatch(exhaustedIds::contains), "a key is rotated or exhausted, not both");
        Set<String> accounted = new HashSet<>(rotatedOut);
        accounted.addAll(exhaustedIds);
        assertEquals(ids(seen), accounted, "every failed key is accounted for");
        assertEquals(stored.size(), stored.stream().map(PoolKey::apiKey).distinct().count(), "no API key twice");

        assertTrue(a.keys.pendingRotations(null, Instant.MAX).isEmpty());
        assertEquals(ids(stored), ids(a.pool.all()), "the pool matches the database");
        assertEquals(spare, a.pool.availableCount(), "only the replacements serve");
    }

    private static Set<String> ids(List<PoolKey> keys) {
        return keys.stream().map(PoolKey::id).collect(Collectors.toSet());
    }

    /** Starts every task on its own thread behind one gate, opens the gate and waits for all. */
    private static void runTogether(List<Runnable> tasks) throws Exception {
        CountDownLatch ready = new CountDownLatch(tasks.size());
        CountDownLatch gate = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable r : tasks) {
            Thread t = new Thread(() -> {
                try {
                    ready.countDown();
                    gate.await();
                    r.run();
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        assertTrue(ready.await(10, TimeUnit.SECONDS));
        gate.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), "a failure handler hung");
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " failure handlers threw", failures.get(0));
        }
    }
}
