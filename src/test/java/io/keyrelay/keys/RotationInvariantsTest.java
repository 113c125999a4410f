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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC §3's invariants under concurrency, with real threads against one real database: a backup key is never handed
 * out twice or lost, and one failed key causes at most one rotation, across instances too.
 */
@Tag("storage")
class RotationInvariantsTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private MongoStorage storage;
    private PoolFixture a;
    private PoolFixture b;

    @BeforeEach
    void open() {
        storage = TestStorage.database(dataDir);
        a = new PoolFixture(storage, clock, "instance-a");
        b = new PoolFixture(storage, clock, "instance-b");
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static void sync(PoolFixture instance) {
        instance.pool.reload(instance.keys.loadAll(), Set.of(), instance.pool.stamp());
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
    void anotherInstanceAdoptsEveryChangeAtItsNextSync() {
        a.addKey("switches", true);
        a.addKey("rotates", false);
        a.addKey("cools", false);
        a.addBackup("b1", true);
        b.maintenance.start();

        a.lifecycle.onAnswer(a.key("switches"), FailureClass.QUOTA, 402, Optional.empty());
        a.lifecycle.onAnswer(a.key("rotates"), FailureClass.CREDENTIAL, 401, Optional.empty());
        a.lifecycle.onAnswer(a.key("cools"), FailureClass.RATE_LIMIT, 429, Optional.empty());
        a.admin.add("added", "sk-added-0123456789abcdef", false);
        assertEquals(KeyStatus.HEALTHY, b.key("switches").status(), "before the sync, the old view");

        b.maintenance.reload();

        assertEquals(a.pool.all(), b.pool.all());
        assertTrue(b.key("switches").usesFailoverEndpoint(clock.instant()));
        assertTrue(b.pool.get("rotates").isEmpty());
        assertEquals("rotates", b.key("b1").replacedKey());
        assertFalse(b.key("cools").isAvailable(clock.instant()));
        assertTrue(b.pool.get("added").isPresent());
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
            assertTrue(backups.get(bk.id()).apiKey().equals(replacement.apiKey()), "the replacement holds backup " + bk.id());
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

    /** An instance with a hook between two rotation steps, sharing the database and clock. */
    private PoolFixture instanceWithHook(String instance, RotationStep at, Runnable hook) {
        boolean[] fired = {false};
        return new PoolFixture(storage, clock, instance, StateWriter.direct(), (step, keyId) -> {
            if (step == at && !fired[0]) {
                fired[0] = true;
                hook.run();
            }
        });
    }

    /** Stands for a process dying between two steps. */
    private static final class SimulatedCrash extends Error {
    }

    private void assertReplacedOnceBy(String failedId, BackupKey backup) {
        assertTrue(a.keys.find(failedId).isEmpty(), failedId + " is rotated out");
        List<PoolKey> holders = a.keys.loadAll().stream().filter(k -> k.apiKey().equals(backup.apiKey())).toList();
        assertEquals(1, holders.size(), "the backup's key is in the pool exactly once");
        assertEquals(failedId, holders.get(0).replacedKey());
        BackupKey used = a.backups.find(backup.id()).orElseThrow();
        assertTrue(used.isUsed() && used.activated());
        assertEquals(failedId, used.usedFor());
        assertEquals(1, a.backups.loadAll().stream().filter(BackupKey::isUsed).count(), "one backup spent");
        assertTrue(a.keys.pendingRotations(null, Instant.MAX).isEmpty());
    }

    @Test
    void aReplacementIdTakenWhileTheRotationRunsDoesNotSwallowTheBackup() {
        a.addKey("k1", false);
        BackupKey b1 = a.addBackup("b1", false);
        PoolFixture racing = instanceWithHook("instance-c", RotationStep.TARGET_RECORDED,
                () -> a.admin.add("b1", "sk-operator-b1-0123456789abcdef", false)); // an operator takes the id
        racing.maintenance.start();

        racing.lifecycle.onAnswer(racing.key("k1"), FailureClass.CREDENTIAL, 401, Optional.empty());

        assertReplacedOnceBy("k1", b1);
        PoolKey operators = a.stored("b1");
        assertTrue("sk-operator-b1-0123456789abcdef".equals(operators.apiKey()), "the operator's API key");
        assertEquals(null, operators.replacedKey());
        assertTrue(racing.pool.get("b1-2").isPresent(), "the replacement serves at once");
        sync(racing);
        assertEquals(ids(a.keys.loadAll()), ids(racing.pool.all()));
    }

    @ParameterizedTest(name = "the first instance stalls after {0}")
    @EnumSource(value = RotationStep.class, names = {"FAILED_KEY_CLAIMED", "BACKUP_CLAIMED", "TARGET_RECORDED",
            "REPLACEMENT_INSERTED"})
    void aRotationTakenOverAfterItsLeaseIsCompletedOnceWhenTheStalledInstanceCarriesOn(RotationStep stall) {
        a.addKey("k1", false);
        BackupKey b1 = a.addBackup("b1", false);
        a.addBackup("b2", false);
        PoolFixture slow = instanceWithHook("instance-slow", stall, () -> {
            clock.advanceSeconds(31); // past the 30 s lease
            b.maintenance.sweep();    // another instance finishes the rotation it thinks was abandoned
        });
        slow.maintenance.start();

        slow.lifecycle.onAnswer(slow.key("k1"), FailureClass.QUOTA, 402, Optional.empty());

        assertReplacedOnceBy("k1", b1);
        assertEquals(1, a.keys.loadAll().size());
        assertFalse(a.backups.find("b2").orElseThrow().isUsed());
        sync(slow);
        assertEquals(ids(a.keys.loadAll()), ids(slow.pool.all()));
    }

    @Test
    void recoveryDoesNotBringBackAReplacementThatWasRotatedOutMeanwhile() {
        a.addKey("k1", false);
        BackupKey b1 = a.addBackup("b1", false);
        a.addBackup("b2", false);
        PoolFixture crashing = instanceWithHook("instance-a", RotationStep.REPLACEMENT_INSERTED, () -> {
            throw new SimulatedCrash();
        });
        crashing.maintenance.start();
        PoolKey seen = crashing.key("k1");
        org.junit.jupiter.api.Assertions.assertThrows(SimulatedCrash.class,
                () -> crashing.rotation.rotate(seen, EventReason.CREDENTIAL_REJECTED, 401));

        // meanwhile another instance serves the replacement, which fails too and is rotated out
        clock.advanceSeconds(5);
        sync(b);
        b.lifecycle.onAnswer(b.key("b1"), FailureClass.CREDENTIAL, 401, Optional.empty());
        assertEquals("b1", b.stored("b2").replacedKey());

        // the crashed instance restarts
        clock.advanceSeconds(5);
        PoolFixture restarted = new PoolFixture(storage, clock, "instance-a");
        restarted.maintenance.start();

        assertTrue(a.keys.find("k1").isEmpty());
        assertTrue(a.keys.find("b1").isEmpty(), "the rotated-out replacement stays out");
        assertEquals(Set.of("b2"), ids(a.keys.loadAll()));
        assertTrue(a.backups.find("b1").orElseThrow().activated());
        assertTrue(a.keys.pendingRotations(null, Instant.MAX).isEmpty());
        assertTrue(b1.apiKey().equals(a.backups.find("b1").orElseThrow().apiKey()));
    }

    @Test
    void aRotationInterruptedByADatabaseErrorIsResumedWhenTheWriterRetriesIt() throws Exception {
        a.addKey("k1", false);
        BackupKey b1 = a.addBackup("b1", false);
        try (SerialStateWriter writer = new SerialStateWriter("test-writer")) {
            boolean[] failed = {false};
            PoolFixture flaky = new PoolFixture(storage, clock, "instance-flaky", writer, (step, keyId) -> {
                if (step == RotationStep.BACKUP_CLAIMED && !failed[0]) {
                    failed[0] = true;
                    throw new StoreUnavailableException("simulated outage", null);
                }
            });
            flaky.maintenance.start();
            assertTrue(writer.drain(java.time.Duration.ofSeconds(10)));

            flaky.lifecycle.onAnswer(flaky.key("k1"), FailureClass.CREDENTIAL, 401, Optional.empty());
            assertTrue(writer.drain(java.time.Duration.ofSeconds(10)));

            assertReplacedOnceBy("k1", b1);
            assertEquals(Set.of("b1"), ids(flaky.pool.all()), "the pool serves the replacement, not the failed key");
        }
    }

    @Test
    void aRotationThatFailsUnexpectedlyIsFinishedLaterAndDoesNotStrandTheKey() {
        a.addKey("k1", false);
        a.addKey("k2", false);
        BackupKey b1 = a.addBackup("b1", false);
        PoolFixture failing = instanceWithHook("instance-f", RotationStep.BACKUP_CLAIMED, () -> {
            throw new IllegalStateException("simulated driver error");
        });
        failing.maintenance.start();

        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> failing.lifecycle.onAnswer(failing.key("k1"), FailureClass.CREDENTIAL, 401, Optional.empty()));

        assertFalse(failing.pool.isRotating("k1"), "the pool does not wait forever for a rotation that failed");
        clock.advanceSeconds(31);
        failing.maintenance.sweep();
        failing.maintenance.reload();
        assertReplacedOnceBy("k1", b1);
        assertEquals(Set.of("k2", "b1"), ids(failing.pool.all()));
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
