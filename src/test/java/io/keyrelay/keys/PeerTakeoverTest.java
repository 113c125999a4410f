package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances heartbeat in the database; the rotations of one whose heartbeat went stale are finished by another. */
@Tag("storage")
class PeerTakeoverTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private MongoStorage storage;
    private PoolFixture peer;
    private PoolFixture survivor;

    @BeforeEach
    void open() {
        storage = TestStorage.database(dataDir);
        peer = new PoolFixture(storage, clock, "peer");
        survivor = new PoolFixture(storage, clock, "survivor");
        peer.addKey("k1", false);
        peer.addKey("k2", false);
        peer.addBackup("b1", false);
        // the peer has claimed k1's rotation and is somewhere in the middle of it
        assertTrue(peer.keys.claimRotation("k1", KeyStatus.HEALTHY, "peer", clock.instant(), "quota_exceeded", 402));
        peer.beat("peer");
        survivor.beat("survivor");
        survivor.maintenance.start();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aKeyWhoseRotationAPeerHoldsIsOutOfSelectionHere() {
        assertTrue(survivor.pool.isRotating("k1"));
        assertTrue(survivor.pool.rotationsInFlight(), "a request finding no key waits for it");
        assertEquals(List.of("k2", "k2"), List.of(survivor.pool.pick().orElseThrow().id(), survivor.pool.pick().orElseThrow().id()));
    }

    @Test
    void theRotationOfAPeerThatKeepsBeatingIsLeftToIt() {
        clock.advance(Duration.ofSeconds(4));
        peer.beat("peer");
        clock.advance(Duration.ofSeconds(4));

        survivor.maintenance.takeOverFromDeadPeers();

        assertEquals(List.of("peer"), survivor.keys.rotationsHeldBy(Set.of("peer", "survivor")).stream()
                .map(RotationRecord::instance).toList());
        assertTrue(survivor.peers.lastBeats().containsKey("peer"));
    }

    @Test
    void theRotationOfAPeerWhoseHeartbeatWentStaleIsFinishedHereAndThePeerForgotten() {
        clock.advance(PoolFixture.PEER_STALE_AFTER.plusSeconds(1));
        survivor.beat("survivor");

        survivor.maintenance.takeOverFromDeadPeers();

        assertTrue(survivor.keys.pendingRotations(null, Instant.MAX).isEmpty());
        assertTrue(survivor.keys.find("k1").isEmpty(), "the failed key left");
        PoolKey replacement = survivor.stored("b1");
        assertEquals("k1", replacement.replacedKey());
        assertTrue(survivor.backups.find("b1").orElseThrow().activated());
        assertFalse(survivor.pool.isRotating("k1"));
        assertEquals(Set.of("b1", "k2"), Set.copyOf(survivor.pool.all().stream().map(PoolKey::id).toList()),
                "the replacement serves here at once");
        assertFalse(survivor.peers.lastBeats().containsKey("peer"));
        assertTrue(survivor.events.page("k1", 0, 10).stream()
                .anyMatch(e -> e.reason().equals("rotated_out") && e.instance().equals("survivor")));
    }

    @Test
    void twoSurvivorsFinishTheDeadPeersRotationOnce() {
        PoolFixture other = new PoolFixture(storage, clock, "other-survivor");
        other.maintenance.start();
        clock.advance(PoolFixture.PEER_STALE_AFTER.plusSeconds(1));
        survivor.beat("survivor");
        other.beat("other-survivor");

        survivor.maintenance.takeOverFromDeadPeers();
        other.maintenance.takeOverFromDeadPeers();

        List<BackupKey> used = survivor.backups.loadAll().stream().filter(BackupKey::isUsed).toList();
        assertEquals(1, used.size());
        assertEquals(1, survivor.keys.loadAll().stream().filter(k -> "k1".equals(k.replacedKey())).count());
        assertEquals(1, survivor.events.page("k1", 0, 10).stream().filter(e -> e.reason().equals("rotated_out")).count());
    }
}
