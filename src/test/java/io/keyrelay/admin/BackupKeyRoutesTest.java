package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyImport;
import io.keyrelay.keys.PoolKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seed 11 and 20: the backup-key routes over real HTTP, each test on an empty backup pool. */
@ExtendWith(AdminServerExtension.class)
class BackupKeyRoutesTest {
    AdminServer server; // a new one for each test, started by AdminServerExtension
    AdminClient admin;

    @BeforeEach
    void start() {
        admin = server.admin();
    }

    private JsonObject create(String id, Boolean enableFailover) {
        JsonObject body = new JsonObject().put("id", id).put("apiKey", server.newApiKey(id));
        if (enableFailover != null) {
            body.put("enableFailover", enableFailover);
        }
        AdminClient.Response r = admin.post("/admin/ohmygpt/backup-keys", body);
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    private JsonObject listed(String id) {
        return admin.get("/admin/ohmygpt/backup-keys").array("keys").stream().map(JsonObject.class::cast)
                .filter(k -> k.getString("id").equals(id)).findFirst().orElseThrow();
    }

    private static JsonObject stats(int total, int available, int used, int failoverEnabled) {
        return new JsonObject().put("total", total).put("available", available).put("used", used)
                .put("failoverEnabledCount", failoverEnabled);
    }

    @Test
    void createWithAndWithoutEnableFailover() {
        JsonObject plain = create("b-plain", null);
        assertEquals(false, plain.getBoolean("enableFailover"));
        assertEquals(false, plain.getBoolean("isUsed"));
        assertEquals(false, plain.getBoolean("activated"));
        assertNull(plain.getString("usedFor"));
        assertNull(plain.getString("deletesAt"));
        assertEquals(List.of("id", "maskedApiKey", "enableFailover", "isUsed", "activated", "usedFor", "usedAt",
                "createdAt", "deletesAt"), List.copyOf(plain.fieldNames()));

        assertEquals(true, create("b-failover", true).getBoolean("enableFailover"));
        assertEquals(true, listed("b-failover").getBoolean("enableFailover"));
        assertEquals(false, listed("b-plain").getBoolean("enableFailover"));
    }

    @Test
    void listAndStatsCountTotalAvailableUsedAndFailoverEnabled() {
        create("b1", true);
        create("b2", false);
        create("b3", true);
        Instant usedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        LegacyDocuments.insertBackup(server, new Document("_id", "b-used").append("apiKey", server.newApiKey("b-used"))
                .append("enableFailover", false).append("isUsed", true).append("activated", true)
                .append("usedFor", "k-old").append("usedAt", Date.from(usedAt)).append("createdAt", new Date()));

        JsonObject expected = stats(4, 3, 1, 2);
        assertEquals(expected, admin.get("/admin/ohmygpt/backup-keys/stats").json());
        JsonObject list = admin.get("/admin/ohmygpt/backup-keys").json();
        assertEquals(4, list.getJsonArray("keys").size());
        expected.fieldNames().forEach(f -> assertEquals(expected.getValue(f), list.getValue(f), f));

        JsonObject used = listed("b-used");
        assertEquals("k-old", used.getString("usedFor"));
        assertEquals(usedAt.toString(), used.getString("usedAt"));
        assertEquals(usedAt.plus(Duration.ofHours(12)).toString(), used.getString("deletesAt"), "usedAt + 12 h");

        admin.patch("/admin/ohmygpt/backup-keys/b2", new JsonObject().put("enableFailover", true));
        assertEquals(stats(4, 3, 1, 3), admin.get("/admin/ohmygpt/backup-keys/stats").json());
    }

    @Test
    void patchSetsEnableFailoverAndRejectsBadInput() {
        create("bp", null);
        AdminClient.Response on = admin.patch("/admin/ohmygpt/backup-keys/bp", new JsonObject().put("enableFailover", true));
        assertEquals(200, on.status());
        assertEquals("bp", on.json().getString("id"));
        assertEquals(true, on.json().getBoolean("enableFailover"));
        assertEquals(true, server.relay.services().backupKeys().find("bp").orElseThrow().enableFailover());
        assertEquals(false, admin.patch("/admin/ohmygpt/backup-keys/bp", new JsonObject().put("enableFailover", false))
                .json().getBoolean("enableFailover"));

        assertEquals(List.of("enableFailover"), admin.patch("/admin/ohmygpt/backup-keys/bp",
                new JsonObject().put("enableFailover", 1)).paths());
        assertEquals(List.of("isUsed"), admin.patch("/admin/ohmygpt/backup-keys/bp",
                new JsonObject().put("enableFailover", true).put("isUsed", false)).paths());
        AdminClient.Response unknown = admin.patch("/admin/ohmygpt/backup-keys/none", new JsonObject().put("enableFailover", true));
        assertEquals(404, unknown.status());
        assertEquals("Key not found", unknown.error());
    }

    @Test
    void oldDocumentsWithoutEnableFailoverListAsFalse() {
        LegacyDocuments.insertBackup(server, "b-legacy", server.newApiKey("b-legacy"));
        assertEquals(false, listed("b-legacy").getBoolean("enableFailover"));
        assertEquals(stats(1, 1, 0, 0), admin.get("/admin/ohmygpt/backup-keys/stats").json());
    }

    @Test
    void duplicateIdOrApiKeyIs409() {
        create("bd", null);
        AdminClient.Response sameId = admin.post("/admin/ohmygpt/backup-keys",
                new JsonObject().put("id", "bd").put("apiKey", server.newApiKey("bd2")));
        assertEquals(409, sameId.status());

        String apiKey = server.newApiKey("in-pool");
        admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "in-pool").put("apiKey", apiKey));
        AdminClient.Response sameKey = admin.post("/admin/ohmygpt/backup-keys",
                new JsonObject().put("id", "bd3").put("apiKey", apiKey));
        assertEquals(409, sameKey.status());
        assertEquals("This API key is already in the key pool as 'in-pool'", sameKey.error());
    }

    @Test
    void deleteRemovesTheBackupKey() {
        create("b-del", null);
        assertEquals(new JsonObject().put("success", true), admin.delete("/admin/ohmygpt/backup-keys/b-del").json());
        assertEquals(404, admin.delete("/admin/ohmygpt/backup-keys/b-del").status());
        assertEquals(stats(0, 0, 0, 0), admin.get("/admin/ohmygpt/backup-keys/stats").json());
    }

    @Test
    void restorePutsAUsedKeyBackUnusedUnlessItServesInThePool() {
        String apiKey = server.newApiKey("b-r");
        LegacyDocuments.insertBackup(server, new Document("_id", "b-r").append("apiKey", apiKey).append("enableFailover", true)
                .append("isUsed", true).append("activated", true).append("usedFor", "k-gone")
                .append("usedAt", new Date()).append("createdAt", new Date()));
        AdminClient.Response r = admin.post("/admin/ohmygpt/backup-keys/b-r/restore", null);
        assertEquals(200, r.status(), r.body());
        JsonObject key = r.json().getJsonObject("key");
        assertEquals(true, r.json().getBoolean("success"));
        assertEquals(false, key.getBoolean("isUsed"));
        assertNull(key.getString("usedFor"));
        assertNull(key.getString("deletesAt"));
        assertEquals(true, key.getBoolean("enableFailover"), "restore keeps the failover setting");
        assertEquals(404, admin.post("/admin/ohmygpt/backup-keys/none/restore", null).status());

        // a used backup whose key now serves in the pool would be in the pool twice
        String serving = server.newApiKey("b-serving");
        LegacyDocuments.insertBackup(server, new Document("_id", "b-serving").append("apiKey", serving)
                .append("isUsed", true).append("activated", true).append("usedFor", "k-failed")
                .append("usedAt", new Date()).append("createdAt", new Date()));
        server.relay.services().administration().add("b-serving", serving, false);
        AdminClient.Response conflict = admin.post("/admin/ohmygpt/backup-keys/b-serving/restore", null);
        assertEquals(409, conflict.status());
        assertEquals("This backup key serves in the key pool as 'b-serving'; delete that key first", conflict.error());
    }

    @Test
    void importAcceptsAJsonArrayAndReportsWhatItSkipped() {
        create("existing", null);
        String poolKey = server.newApiKey("pool");
        admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "pool-1").put("apiKey", poolKey));
        String bare = server.newApiKey("bare");
        String twice = server.newApiKey("twice");
        JsonArray body = new JsonArray()
                .add(new JsonObject().put("id", "imp-1").put("apiKey", server.newApiKey("imp-1")).put("enableFailover", true))
                .add(new JsonObject().put("id", "imp-2").put("apiKey", server.newApiKey("imp-2")))
                .add(bare)
                .add(new JsonObject().put("id", "existing").put("apiKey", server.newApiKey("x")))
                .add(new JsonObject().put("id", "imp-3").put("apiKey", poolKey))
                .add(new JsonObject().put("id", "imp-4").put("apiKey", twice))
                .add(new JsonObject().put("id", "imp-5").put("apiKey", twice))
                .add(new JsonObject().put("id", "imp-6").put("apiKey", "short"))
                .add(new JsonObject().put("id", "imp-7").put("apiKey", server.newApiKey("imp-7")).put("color", "red"));

        AdminClient.Response r = admin.post("/admin/ohmygpt/backup-keys/import", body);
        assertEquals(200, r.status(), r.body());
        JsonObject report = r.json();
        String bareId = ImportInput.generatedId(KeyImport.Target.BACKUP_POOL, bare);
        assertEquals(4, report.getInteger("added"));
        assertEquals(new JsonArray(List.of("imp-1", "imp-2", bareId, "imp-4")), report.getJsonArray("addedIds"));
        assertEquals(5, report.getInteger("skipped"));
        assertEquals(new JsonArray()
                .add(skip("[3]", "existing", "a backup key with id 'existing' already exists"))
                .add(skip("[4]", "imp-3", "this API key is already in the key pool as 'pool-1'"))
                .add(skip("[6]", "imp-5", "this API key is already in the backup pool as 'imp-4'"))
                .add(skip("[7]", "imp-6", "invalid entry: apiKey: Must be 20 to 512 characters long"))
                .add(skip("[8]", "imp-7", "invalid entry: color: Unknown field")), report.getJsonArray("skippedEntries"));

        assertEquals(true, listed("imp-1").getBoolean("enableFailover"));
        assertEquals(false, listed("imp-2").getBoolean("enableFailover"));
        assertEquals(stats(5, 5, 0, 1), admin.get("/admin/ohmygpt/backup-keys/stats").json());
    }

    @Test
    void importAcceptsTextLinesWithAFailoverDefault() {
        String k1 = server.newApiKey("t1");
        String k2 = server.newApiKey("t2");
        String text = "# keys bought today\n" + k1 + "\n\n" + "named-2, " + k2 + "\n" + k1 + "\n";
        AdminClient.Response r = admin.send("POST", "/admin/ohmygpt/backup-keys/import?enableFailover=true", text,
                "text/plain; charset=utf-8");
        assertEquals(200, r.status(), r.body());
        assertEquals(2, r.json().getInteger("added"));
        assertEquals(new JsonArray(List.of(ImportInput.generatedId(KeyImport.Target.BACKUP_POOL, k1), "named-2")), r.json().getJsonArray("addedIds"));
        assertEquals(1, r.json().getInteger("skipped"));
        JsonObject skipped = r.json().getJsonArray("skippedEntries").getJsonObject(0);
        assertEquals("line 5", skipped.getString("entry"));
        assertTrue(skipped.getString("reason").startsWith("a backup key with id"), skipped.encode());
        assertEquals(true, listed("named-2").getBoolean("enableFailover"));
    }

    @Test
    void importRejectsBodiesThatAreNotAListOfEntries() {
        assertEquals(400, admin.post("/admin/ohmygpt/backup-keys/import", new JsonObject().put("keys", new JsonArray())).status());
        AdminClient.Response empty = admin.post("/admin/ohmygpt/backup-keys/import", new JsonArray());
        assertEquals(400, empty.status());
        assertEquals("Nothing to import", empty.json().getJsonArray("details").getJsonObject(0).getString("message"));
        assertEquals(List.of("enableFailover"), admin.send("POST", "/admin/ohmygpt/backup-keys/import?enableFailover=yes",
                "x", "text/plain").paths());
        assertEquals(List.of("dryRun"), admin.send("POST", "/admin/ohmygpt/backup-keys/import?dryRun=true",
                "x", "text/plain").paths());
        assertEquals("Malformed JSON", admin.send("POST", "/admin/ohmygpt/backup-keys/import", "[{", "application/json").error());
    }

    @Test
    void aKeyRotatedInFromTheBackupPoolShowsItsOrigin() {
        create("b-rot", true);
        PoolKey failing = server.relay.services().administration().add("failing", server.newApiKey("failing"), false);
        var services = server.relay.services();
        var rotation = new io.keyrelay.keys.KeyRotation(services.keys(), services.backupKeys(), services.events(),
                services.clock(), "admin-test", Duration.ofHours(24), io.keyrelay.keys.RotationStep.Listener.NONE);
        rotation.rotate(failing, io.keyrelay.keys.EventReason.QUOTA_EXCEEDED, 402);

        JsonObject backup = listed("b-rot");
        assertEquals(true, backup.getBoolean("isUsed"));
        assertEquals(true, backup.getBoolean("activated"));
        assertEquals("failing", backup.getString("usedFor"));
        assertEquals(Instant.parse(backup.getString("usedAt")).plus(Duration.ofHours(12)).toString(), backup.getString("deletesAt"));
        JsonObject key = admin.get("/admin/ohmygpt/keys").array("keys").stream().map(JsonObject.class::cast)
                .filter(k -> k.getString("id").equals("b-rot")).findFirst().orElseThrow();
        assertEquals("failing", key.getString("replacedKey"));
        assertEquals(true, key.getBoolean("enableFailover"), "inherited from the backup");
        PoolKey stored = services.keys().find("b-rot").orElseThrow();
        assertEquals(stored.maskedApiKey(), key.getString("apiKey"));
        assertEquals(409, admin.post("/admin/ohmygpt/backup-keys/b-rot/restore", null).status());
    }

    private static JsonObject skip(String entry, String id, String reason) {
        return new JsonObject().put("entry", entry).put("id", id).put("reason", reason);
    }
}
