package io.keyrelay.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.KeyEvent;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many keys or events in one write, as a bulk import makes them: a taken id stops nothing but its own entry. */
@Tag("storage")
class BulkWritesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dataDir;
    MongoStorage storage;

    @BeforeEach
    void open() {
        storage = TestStorage.database(dataDir);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static PoolKey key(String id) {
        return PoolKey.fresh(id, "sk-bulk-" + id + "-0123456789abcdef", id.endsWith("f"), null, NOW);
    }

    @Test
    void poolKeysAreInsertedTogetherAndTakenIdsAreReported() {
        MongoKeyStore keys = storage.keys();
        keys.insert(key("k-2"));
        List<PoolKey> batch = List.of(key("k-1"), key("k-2"), key("k-3f"), key("k-1"));

        assertEquals(Set.of("k-2", "k-1"), keys.insertAll(batch), "k-2 was there; the second k-1 came after the first");
        assertEquals(List.of("k-1", "k-2", "k-3f"), keys.loadAll().stream().map(PoolKey::id).sorted().toList());
        PoolKey stored = keys.find("k-3f").orElseThrow();
        assertEquals(key("k-3f").apiKey(), stored.apiKey());
        assertTrue(stored.enableFailover());
        assertEquals(NOW, stored.createdAt());
        assertEquals(Set.of(), keys.insertAll(List.of()));
    }

    @Test
    void backupKeysAreInsertedTogetherAndTakenIdsAreReported() {
        MongoBackupKeyStore backups = storage.backupKeys();
        backups.insert(BackupKey.fresh("b-1", "sk-bulk-b-1-0123456789abcdef", false, NOW));
        List<BackupKey> batch = IntStream.range(0, 3)
                .mapToObj(i -> BackupKey.fresh("b-" + i, "sk-bulk-b-" + i + "-0123456789abcdef", i == 2, NOW)).toList();

        assertEquals(Set.of("b-1"), backups.insertAll(batch));
        assertEquals(List.of("b-0", "b-1", "b-2"), backups.loadAll().stream().map(BackupKey::id).sorted().toList());
        assertTrue(backups.find("b-2").orElseThrow().enableFailover());
        assertEquals(3, backups.countAvailable());
    }

    @Test
    void eventsAreAppendedTogetherAndReadBackNewestFirst() {
        MongoEventLog events = storage.events();
        List<KeyEvent> batch = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            batch.add(new KeyEvent("k-" + i, null, "healthy", "created_by_operator", null, "enableFailover=false",
                    "i1", NOW.plusMillis(i)));
        }
        events.appendAll(batch);
        assertEquals(250, events.count(null));
        assertEquals(batch.get(249), events.page(null, 0, 1).get(0));
        assertEquals(List.of(batch.get(7)), events.page("k-7", 0, 10));
    }
}
