package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key the original system left in {@code error} (KeyRelay never sets it) comes back 30 s after its last update. */
@Tag("storage")
class LegacyErrorStatusTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private MongoStorage storage;
    private PoolFixture f;

    @BeforeEach
    void open() {
        storage = TestStorage.database(dataDir);
        f = new PoolFixture(storage, clock, "instance-1");
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private void storeErrorKey(String id, Instant updatedAt) {
        f.keys.insert(new PoolKey(id, "sk-legacy-" + id + "-0123456789abcdef", KeyStatus.ERROR, false, null,
                KeyStatus.HEALTHY, "upstream error", null, 0, 0, null, clock.instant().minusSeconds(3600), updatedAt));
    }

    @Test
    void anErrorKeyIsAvailableAgainThirtySecondsAfterItsLastUpdate() {
        storeErrorKey("legacy", clock.instant().minusSeconds(10));
        f.maintenance.start();

        assertEquals(Optional.empty(), f.pool.pick(), "updated 10 s ago: still resting");
        assertEquals(Optional.of(clock.instant().plusSeconds(20)), f.pool.soonestRecovery());

        clock.advance(Duration.ofSeconds(20));

        assertEquals("legacy", f.pool.pick().orElseThrow().id());
        f.maintenance.sweep();
        PoolKey stored = f.stored("legacy");
        assertEquals(KeyStatus.HEALTHY, stored.status(), "the sweep brings it back as the original did");
        assertTrue(f.events.page("legacy", 0, 10).stream()
                .anyMatch(e -> "error".equals(e.from()) && "healthy".equals(e.to())));
    }

    @Test
    void anErrorKeyWithoutAnUpdateTimeIsAvailableAtOnce() {
        storeErrorKey("ancient", null);
        f.maintenance.start();

        assertEquals("ancient", f.pool.pick().orElseThrow().id());
    }
}
