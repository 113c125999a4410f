package io.keyrelay.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.EventReason;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.RotationStep;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A KeyRelay process killed (halted: no shutdown hooks, no flush) in the middle of a rotation or right after
 * acknowledged writes, then the data directory reopened as KeyRelay does at start.
 */
class CrashRecoveryTest {
    private static final String INSTANCE = "crashing-instance";
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path dataDir() {
        return dir.resolve("data");
    }

    // --- rotation interrupted at every step ---------------------------------------------------------------

    @ParameterizedTest(name = "killed right after {0}, then restarted")
    @EnumSource(RotationStep.class)
    void aRotationKilledAfterAnyStepIsFinishedWhenTheInstanceRestarts(RotationStep step) throws Exception {
        Map<String, BackupKey> backups = seed(true);

        killDuringRotation(step);

        try (MongoStorage storage = TestStorage.open(dataDir())) {
            PoolFixture restarted = new PoolFixture(storage, new MutableClock(Instant.now()), INSTANCE);
            restarted.maintenance.start();
            assertConsistentAfterRecovery(restarted, backups, step);
        }
    }

    @ParameterizedTest(name = "killed right after {0}, finished by another instance once the lease ran out")
    @EnumSource(value = RotationStep.class, names = {"FAILED_KEY_CLAIMED", "BACKUP_CLAIMED", "REPLACEMENT_INSERTED"})
    void aRotationAbandonedByACrashedInstanceIsFinishedByAnotherAfterTheLease(RotationStep step) throws Exception {
        Map<String, BackupKey> backups = seed(true);

        killDuringRotation(step);

        try (MongoStorage storage = TestStorage.open(dataDir())) {
            MutableClock clock = new MutableClock(Instant.now());
            PoolFixture other = new PoolFixture(storage, clock, "other-instance");
            other.maintenance.start();
            other.maintenance.sweep();
            assertEquals(1, other.keys.pendingRotations(null, Instant.MAX).size(),
                    "within the lease the rotation may still be running elsewhere: left alone");

            clock.advance(LEASE.plusSeconds(1));
            other.maintenance.sweep();
            other.maintenance.reload();
            assertConsistentAfterRecovery(other, backups, step);
        }
    }

    @ParameterizedTest(name = "killed right after {0}, finished by a peer once its heartbeat went stale")
    @EnumSource(RotationStep.class)
    void aRotationOfAPeerThatDiedIsFinishedByAnotherInstanceOnceItsHeartbeatIsStale(RotationStep step) throws Exception {
        Map<String, BackupKey> backups = seed(true);

        killDuringRotation(step);

        try (MongoStorage storage = TestStorage.open(dataDir())) {
            Instant lastBeat = storage.peers().lastBeats().get(INSTANCE);
            assertTrue(lastBeat != null, "the crashed instance had written its heartbeat");
            MutableClock clock = new MutableClock(lastBeat.plusSeconds(1));
            PoolFixture other = new PoolFixture(storage, clock, "other-instance");
            other.beat("other-instance");
            other.maintenance.start();
            other.maintenance.takeOverFromDeadPeers();
            int expectedPending = step == RotationStep.FAILED_KEY_DELETED ? 0 : 1;
            assertEquals(expectedPending, other.keys.pendingRotations(null, Instant.MAX).size(),
                    "a peer whose heartbeat is fresh may still be rotating: left alone");
            if (expectedPending == 1) {
                assertTrue(other.pool.isRotating("failing"), "out of selection while the peer holds its rotation");
            }

            clock.advance(PoolFixture.PEER_STALE_AFTER.plusSeconds(1)); // well inside the 30 s lease
            other.maintenance.takeOverFromDeadPeers();

            assertConsistentAfterRecovery(other, backups, step);
            assertFalse(other.peers.lastBeats().containsKey(INSTANCE), "the dead peer is forgotten");
            assertTrue(other.peers.lastBeats().containsKey("other-instance"));
        }
    }

    @Test
    void aRotationKilledWithNoBackupLeftEndsExhaustedOnRestart() throws Exception {
        seed(false);

        killDuringRotation(RotationStep.FAILED_KEY_CLAIMED);

        try (MongoStorage storage = TestStorage.open(dataDir())) {
            MutableClock clock = new MutableClock(Instant.now());
            PoolFixture restarted = new PoolFixture(storage, clock, INSTANCE);
            restarted.maintenance.start();

            PoolKey failing = restarted.stored("failing");
            assertEquals(KeyStatus.EXHAUSTED, failing.status());
            assertTrue(failing.cooldownUntil().isAfter(clock.instant().plus(Duration.ofHours(23))));
            assertTrue(restarted.keys.pendingRotations(null, Instant.MAX).isEmpty());
            assertEquals(1, count(restarted, "failing", EventReason.NO_BACKUP_LEFT));
            assertEquals(Set.of("bystander"), ids(availableIn(restarted)));
        }
    }

    /** Two pool keys and two backups, written and closed before the child opens the directory. */
    private Map<String, BackupKey> seed(boolean withBackups) {
        try (MongoStorage storage = TestStorage.open(dataDir())) {
            PoolFixture f = new PoolFixture(storage, new MutableClock(Instant.now().minusSeconds(60)), "seeder");
            f.addKey("failing", true);
            f.addKey("bystander", false);
            if (withBackups) {
                f.addBackup("b1", false);
                f.addBackup("b2", true);
            }
            return f.backups.loadAll().stream().collect(Collectors.toMap(BackupKey::id, Function.identity()));
        }
    }

    private void killDuringRotation(RotationStep step) throws Exception {
        Child child = runChild(RotationCrashChild.class, dataDir().toString(), step.name(), "failing", INSTANCE);
        assertTrue(child.output().contains("HALT " + step), child.output());
        assertEquals(137, child.exitCode(), child.output());
    }

    private void assertConsistentAfterRecovery(PoolFixture f, Map<String, BackupKey> seeded, RotationStep step) {
        List<PoolKey> keys = f.keys.loadAll();
        List<BackupKey> backups = f.backups.loadAll();

        assertTrue(f.keys.pendingRotations(null, Instant.MAX).isEmpty(), "no rotation left half done");
        assertTrue(f.backups.claimedNotActivated(Instant.MAX).isEmpty(), "no backup left claimed but unused");
        assertEquals(seeded.keySet(), backups.stream().map(BackupKey::id).collect(Collectors.toSet()), "no backup lost");
        for (BackupKey b : backups) {
            assertTrue(seeded.get(b.id()).apiKey().equals(b.apiKey()), "backup " + b.id() + " keeps its API key");
        }

        List<BackupKey> used = backups.stream().filter(BackupKey::isUsed).toList();
        Optional<PoolKey> failing = f.keys.find("failing");
        if (failing.isPresent()) {
            assertEquals(RotationStep.FAILED_KEY_CLAIMED, step, "only a rotation without a claimed backup may be undone");
            assertTrue(used.isEmpty(), "undone: no backup spent");
            assertTrue(failing.get().status().servesRequests());
        } else {
            assertEquals(1, used.size(), "exactly one backup spent");
            BackupKey spent = used.get(0);
            assertEquals("b1", spent.id(), "the oldest");
            assertTrue(spent.activated());
            assertEquals("failing", spent.usedFor());
            List<PoolKey> replacements = keys.stream().filter(k -> "failing".equals(k.replacedKey())).toList();
            assertEquals(1, replacements.size(), "replaced exactly once");
            PoolKey replacement = replacements.get(0);
            assertEquals(KeyStatus.HEALTHY, replacement.status());
            assertTrue(spent.apiKey().equals(replacement.apiKey()), "the replacement holds the spent backup's API key");
            assertTrue(replacement.enableFailover(), "backup false OR failed key true");
            long rotatedOut = count(f, "failing", EventReason.ROTATED_OUT);
            if (step == RotationStep.FAILED_KEY_DELETED) {
                assertTrue(rotatedOut <= 1, "a kill after the last step may lose the event, never double it");
            } else {
                assertEquals(1, rotatedOut);
            }
        }
        assertEquals(KeyStatus.HEALTHY, f.stored("bystander").status());
        assertEquals(keys.size(), keys.stream().map(PoolKey::apiKey).distinct().count(), "no API key twice");
        Set<String> unusedBackupKeys = backups.stream().filter(b -> !b.isUsed()).map(BackupKey::apiKey).collect(Collectors.toSet());
        assertTrue(keys.stream().noneMatch(k -> unusedBackupKeys.contains(k.apiKey())), "no unused backup is in the pool");

        assertEquals(ids(keys), ids(f.pool.all()), "the pool matches the database");
        assertEquals(ids(keys), ids(availableIn(f)), "every key serves");

        // recovery is idempotent: running it again changes nothing
        f.rotation.recover(true, LEASE);
        assertEquals(keys, f.keys.loadAll());
        assertEquals(backups, f.backups.loadAll());
    }

    // --- durability of acknowledged writes ---------------------------------------------------------------

    @Test
    void everyAcknowledgedWriteSurvivesAKill() throws Exception {
        Child child = runChild(AdminWritesChild.class, dataDir().toString(), "60");
        assertEquals(137, child.exitCode(), child.output());
        List<String> acks = child.output().lines().filter(l -> l.startsWith("ACK ")).map(l -> l.substring(4)).toList();
        assertTrue(acks.size() > 60, "the child acknowledged its writes:\n" + child.output());

        try (MongoStorage storage = TestStorage.open(dataDir())) {
            PoolFixture f = new PoolFixture(storage, new MutableClock(Instant.now()), "reader");
            for (String ack : acks) {
                String[] what = ack.split(" ");
                String id = what[1];
                switch (what[0]) {
                    case "add" -> {
                        if (!acks.contains("delete " + id)) {
                            assertTrue(f.keys.find(id).isPresent(), ack);
                        }
                    }
                    case "failover" -> {
                        if (!acks.contains("delete " + id)) {
                            assertTrue(f.stored(id).enableFailover(), ack);
                        }
                    }
                    case "backup" -> assertTrue(f.backups.find(id).isPresent(), ack);
                    case "ratelimit" -> {
                        if (!acks.contains("delete " + id)) {
                            assertEquals(KeyStatus.RATE_LIMITED, f.stored(id).status(), ack);
                            assertTrue(f.events.page(id, 0, 10).stream().anyMatch(e -> "rate_limited".equals(e.reason())), ack);
                        }
                    }
                    case "delete" -> assertTrue(f.keys.find(id).isEmpty(), ack);
                    default -> fail("unknown acknowledgement " + ack);
                }
            }
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------

    private record Child(int exitCode, String output) {
    }

    /** Runs {@code main} of {@code mainClass} in a fresh JVM on this test's class path, bounded by a timeout. */
    private Child runChild(Class<?> mainClass, String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("java.class.path");
        assertTrue(classPath.contains("test-classes"), "the test class path reaches the child: " + classPath);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-DKEYRELAY_LOG_LEVEL=WARN",
                "-cp", classPath, mainClass.getName()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "child-", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(mainClass.getSimpleName() + " did not finish within " + CHILD_TIMEOUT + ":\n" + Files.readString(output));
        }
        return new Child(process.exitValue(), Files.readString(output));
    }

    private static long count(PoolFixture f, String keyId, EventReason reason) {
        return f.events.page(keyId, 0, 100).stream().filter(e -> reason.wireName().equals(e.reason())).count();
    }

    private static List<PoolKey> availableIn(PoolFixture f) {
        Instant now = f.clock.instant();
        return f.pool.all().stream().filter(k -> k.isAvailable(now)).toList();
    }

    private static Set<String> ids(List<PoolKey> keys) {
        return keys.stream().map(PoolKey::id).collect(Collectors.toSet());
    }
}
