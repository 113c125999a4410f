package io.keyrelay.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("storage")
class MongoBackupKeyStoreTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dataDir;
    MongoStorage storage;
    MongoBackupKeyStore backups;

    @BeforeEach
    void open() {
        storage = TestStorage.database(dataDir);
        backups = storage.backupKeys();
        backups.insert(BackupKey.fresh("b1", "sk-backup-b1-0123456789abcdef", false, NOW));
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aRestoreNeverErasesAClaimMadeAfterTheKeyWasRead() {
        BackupKey seenUnused = backups.find("b1").orElseThrow();
        BackupKey claimed = backups.claimFor("k1", NOW).orElseThrow();

        assertFalse(backups.restore(seenUnused), "the key changed since it was read");
        BackupKey stored = backups.find("b1").orElseThrow();
        assertTrue(stored.isUsed());
        assertEquals("k1", stored.usedFor());

        backups.markActivated("b1");
        assertFalse(backups.restore(claimed), "activated since the claim was read");
        assertTrue(backups.restore(backups.find("b1").orElseThrow()));
        assertFalse(backups.find("b1").orElseThrow().isUsed());
        assertTrue(backups.restore(backups.find("b1").orElseThrow()), "restoring an unused key changes nothing and is fine");
    }
}
