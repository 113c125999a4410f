package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("storage")
class EventRetentionTest {

    @Test
    void theSweepPrunesEventsOlderThanTheRetention(@TempDir Path dataDir) {
        MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
        try (MongoStorage storage = TestStorage.database(dataDir)) {
            PoolFixture f = new PoolFixture(storage, clock, "i1");
            f.addKey("old", false);
            clock.advance(Duration.ofDays(60));
            f.addKey("recent", false);
            clock.advance(Duration.ofDays(31)); // "old" was added 91 days ago, "recent" 31

            f.maintenance.sweep();

            assertEquals(0, f.events.count("old"));
            assertEquals(1, f.events.count("recent"));
        }
    }
}
