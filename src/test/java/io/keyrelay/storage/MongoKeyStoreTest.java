package io.keyrelay.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.UsageDelta;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ohmygpt_keys} and {@code ohmygpt_backup_keys} as the original (Node/Mongoose) system wrote them: string ids,
 * no {@code enableFailover}, no {@code resumeStatus}, dates as BSON dates, int32 counters, a {@code __v} field.
 */
class MongoKeyStoreTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private MongoStorage storage;
    private MongoClient raw;
    private MongoCollection<Document> rawKeys;
    private MongoCollection<Document> rawBackups;
    private PoolFixture f;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dataDir);
        raw = MongoClients.create(storage.embedded().connectionString());
        MongoDatabase db = raw.getDatabase(MongoStorage.DEFAULT_DATABASE);
        rawKeys = db.getCollection("ohmygpt_keys");
        rawBackups = db.getCollection("ohmygpt_backup_keys");
        f = new PoolFixture(storage, clock, "instance-1");
    }

    @AfterEach
    void close() {
        raw.close();
        storage.close();
    }

    private Date ago(Duration d) {
        return Date.from(clock.instant().minus(d));
    }

    private Document legacyKey(String id, String status) {
        return new Document("_id", id)
                .append("apiKey", "sk-legacy-" + id + "-0123456789abcdef")
                .append("status", status)
                .append("tokensUsed", 1500)
                .append("requestsCount", 12)
                .append("lastUsedAt", ago(Duration.ofMinutes(5)))
                .append("lastError", null)
                .append("cooldownUntil", null)
                .append("createdAt", ago(Duration.ofDays(30)))
                .append("updatedAt", ago(Duration.ofMinutes(5)))
                .append("__v", 0);
    }

    private Document legacyBackup(String id, Duration age) {
        return new Document("_id", id)
                .append("apiKey", "sk-legacy-backup-" + id + "-0123456789abcdef")
                .append("isUsed", false)
                .append("activated", false)
                .append("usedFor", null)
                .append("usedAt", null)
                .append("createdAt", ago(age))
                .append("__v", 0);
    }

    /** What an instance does at start. */
    private void startInstance() {
        f.maintenance.start();
    }

    private void answer(String id, FailureClass failure, int status) {
        f.lifecycle.onAnswer(f.key(id), failure, status, Optional.empty());
    }

    @Test
    void legacyKeysLoadWithFailoverOffAndTheirFieldsIntact() {
        rawKeys.insertOne(legacyKey("legacy-1", "healthy"));
        rawKeys.insertOne(legacyKey("legacy-2", "rate_limited")
                .append("cooldownUntil", ago(Duration.ofSeconds(1))).append("lastError", "Rate limited"));
        rawKeys.insertOne(legacyKey("legacy-3", "exhausted").append("cooldownUntil", Date.from(clock.instant().plusSeconds(60))));

        startInstance();

        PoolKey k = f.key("legacy-1");
        assertFalse(k.enableFailover());
        assertEquals(KeyStatus.HEALTHY, k.status());
        assertEquals(1500, k.tokensUsed());
        assertEquals(12, k.requestsCount());
        assertEquals(clock.instant().minus(Duration.ofDays(30)), k.createdAt());
        assertTrue("sk-legacy-legacy-1-0123456789abcdef".equals(k.apiKey()), "the API key as stored");
        assertNull(k.replacedKey());

        PoolKey cooled = f.key("legacy-2");
        assertTrue(cooled.isAvailable(clock.instant()), "its cooldown has passed");
        assertEquals(KeyStatus.HEALTHY, cooled.effectiveStatus(clock.instant()), "no resumeStatus: back to healthy");
        assertFalse(f.key("legacy-3").isAvailable(clock.instant()));
        assertEquals(2, f.pool.availableCount());
    }

    @Test
    void aLegacyKeyGoesThroughTheWholeCycle() {
        rawKeys.insertOne(legacyKey("legacy-1", "healthy"));
        rawBackups.insertOne(legacyBackup("legacy-b1", Duration.ofDays(2)));
        startInstance();

        // usage adds to int32 counters
        f.keys.addUsage(Map.of("legacy-1", new UsageDelta(100, 1, clock.instant())));
        assertEquals(1600, f.stored("legacy-1").tokensUsed());
        assertEquals(13, f.stored("legacy-1").requestsCount());

        // rate limited, then back through the sweep
        answer("legacy-1", FailureClass.RATE_LIMIT, 429);
        assertEquals("rate_limited", rawKeys.find(new Document("_id", "legacy-1")).first().getString("status"));
        clock.advance(Duration.ofMinutes(2));
        f.maintenance.sweep();
        assertEquals(KeyStatus.HEALTHY, f.stored("legacy-1").status());

        // quota with failover off: rotated to the legacy backup, which inherits "off" from both
        answer("legacy-1", FailureClass.QUOTA, 402);
        assertTrue(f.keys.find("legacy-1").isEmpty());
        PoolKey replacement = f.stored("legacy-b1");
        assertEquals("legacy-1", replacement.replacedKey());
        assertFalse(replacement.enableFailover());
        assertEquals(replacement, f.key("legacy-b1"));

        Document usedBackup = rawBackups.find(new Document("_id", "legacy-b1")).first();
        assertEquals(true, usedBackup.get("isUsed"));
        assertEquals(true, usedBackup.get("activated"));
        assertEquals("legacy-1", usedBackup.get("usedFor"));
        assertEquals(Date.from(clock.instant()), usedBackup.get("usedAt"));

        clock.advance(Duration.ofHours(12).plusSeconds(1));
        f.maintenance.sweep();
        assertEquals(0, rawBackups.countDocuments(new Document("_id", "legacy-b1")));
    }

    @Test
    void aLegacyKeyTurnedToFailoverSwitchesEndpointsAndThenRotates() {
        rawKeys.insertOne(legacyKey("legacy-1", "healthy"));
        rawBackups.insertOne(legacyBackup("legacy-b1", Duration.ofDays(2)));
        startInstance();

        f.admin.setEnableFailover("legacy-1", true);
        assertEquals(true, rawKeys.find(new Document("_id", "legacy-1")).first().get("enableFailover"));

        answer("legacy-1", FailureClass.QUOTA, 402);
        Document stored = rawKeys.find(new Document("_id", "legacy-1")).first();
        assertEquals("using_failover", stored.getString("status"));
        assertEquals("Switched to backup endpoint", stored.getString("lastError"));
        assertNull(stored.get("cooldownUntil"));
        assertTrue(f.key("legacy-1").usesFailoverEndpoint(clock.instant()));

        answer("legacy-1", FailureClass.QUOTA, 402);
        assertTrue(f.stored("legacy-b1").enableFailover(), "a legacy backup (absent = false) OR a failover key = true");
    }

    @Test
    void aLegacyKeyWithoutAStatusIsTreatedAsHealthy() {
        rawKeys.insertOne(legacyKey("legacy-1", null));
        rawKeys.updateOne(new Document("_id", "legacy-1"), new Document("$unset", new Document("status", "")));
        startInstance();

        assertEquals(KeyStatus.HEALTHY, f.key("legacy-1").status());
        answer("legacy-1", FailureClass.RATE_LIMIT, 429);
        assertEquals(KeyStatus.RATE_LIMITED, f.stored("legacy-1").status());
    }

    @Test
    void legacyBackupKeysAreClaimedOldestFirstAndOldUsedOnesAreDeleted() {
        rawBackups.insertOne(legacyBackup("newer", Duration.ofDays(1)));
        rawBackups.insertOne(legacyBackup("older", Duration.ofDays(3)).append("isUsed", null));
        rawBackups.insertOne(new Document("_id", "no-flags").append("apiKey", "sk-legacy-backup-no-flags-0123456789")
                .append("createdAt", ago(Duration.ofDays(2))));
        rawBackups.insertOne(legacyBackup("used-long-ago", Duration.ofDays(5)).append("isUsed", true)
                .append("activated", true).append("usedFor", "gone").append("usedAt", ago(Duration.ofHours(13))));
        rawBackups.insertOne(legacyBackup("used-recently", Duration.ofDays(5)).append("isUsed", true)
                .append("activated", true).append("usedFor", "gone2").append("usedAt", ago(Duration.ofHours(11))));

        BackupKey loaded = f.backups.find("newer").orElseThrow();
        assertFalse(loaded.enableFailover());
        assertFalse(loaded.isUsed());
        assertEquals(3, f.backups.countAvailable());

        assertEquals("older", f.backups.claimFor("k1", clock.instant()).orElseThrow().id());
        assertEquals("no-flags", f.backups.claimFor("k2", clock.instant()).orElseThrow().id());
        assertEquals("newer", f.backups.claimFor("k3", clock.instant()).orElseThrow().id());
        assertTrue(f.backups.claimFor("k4", clock.instant()).isEmpty());

        assertEquals(1, f.backups.deleteUsedBefore(clock.instant().minus(Duration.ofHours(12))));
        assertTrue(f.backups.find("used-long-ago").isEmpty());
        assertTrue(f.backups.find("used-recently").isPresent());
        assertTrue(f.backups.find("older").isPresent(), "claimed but not activated: kept for recovery");
    }

    @Test
    void keyRelayWritesFieldsWithTheOriginalNamesAndTypes() {
        f.admin.add("k1", "sk-new-0123456789abcdef", true);
        f.addBackup("b1", false);

        Document key = rawKeys.find(new Document("_id", "k1")).first();
        assertInstanceOf(String.class, key.get("_id"));
        assertEquals("sk-new-0123456789abcdef", key.getString("apiKey"));
        assertEquals("healthy", key.getString("status"));
        assertEquals(true, key.get("enableFailover"));
        assertInstanceOf(Number.class, key.get("tokensUsed"));
        assertInstanceOf(Number.class, key.get("requestsCount"));
        assertInstanceOf(Date.class, key.get("createdAt"));
        assertInstanceOf(Date.class, key.get("updatedAt"));
        assertTrue(key.containsKey("cooldownUntil"));
        assertTrue(key.containsKey("lastError"));
        assertTrue(key.containsKey("replacedKey"));

        Document backup = rawBackups.find(new Document("_id", "b1")).first();
        assertEquals(false, backup.get("enableFailover"));
        assertEquals(false, backup.get("isUsed"));
        assertEquals(false, backup.get("activated"));
        assertInstanceOf(Date.class, backup.get("createdAt"));
    }

    @Test
    void aRotationIsClaimedOnlyWhileTheKeyStillHasTheStatusTheFailingRequestSaw() {
        rawKeys.insertOne(legacyKey("legacy-1", null));
        rawKeys.updateOne(new Document("_id", "legacy-1"), new Document("$unset", new Document("status", "")));
        f.addKey("k1", true);
        f.lifecycle.markUsingFailover(f.key("k1"), io.keyrelay.keys.EventReason.QUOTA_EXCEEDED, 402);

        assertFalse(f.keys.claimRotation("k1", KeyStatus.HEALTHY, "instance-1", clock.instant(), "quota_exceeded", 402));
        assertTrue(f.keys.claimRotation("k1", KeyStatus.USING_FAILOVER, "instance-1", clock.instant(), "quota_exceeded", 402));
        assertTrue(f.keys.claimRotation("legacy-1", KeyStatus.HEALTHY, "instance-1", clock.instant(), "credential_rejected", 401),
                "a document without a status counts as healthy");
    }

    @Test
    void pendingRotationsCanBeListedWithoutAnUpperBound() {
        f.addKey("k1", false);
        assertTrue(f.keys.claimRotation("k1", KeyStatus.HEALTHY, "instance-1", clock.instant(), "quota_exceeded", 402));

        assertEquals(1, f.keys.pendingRotations(null, Instant.MAX).size());
        assertEquals(0, f.keys.pendingRotations(null, Instant.MIN).size());
        assertEquals(1, f.keys.pendingRotations("instance-1", Instant.MIN).size());
        assertFalse(f.keys.claimRotation("k1", KeyStatus.HEALTHY, "instance-2", clock.instant(), "quota_exceeded", 402), "one claimant");
    }
}
