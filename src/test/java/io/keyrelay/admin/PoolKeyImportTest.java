package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyImport;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SPEC §5a: many pool keys at once, as the backup import takes them, checked against both pools. */
@ExtendWith(AdminServerExtension.class)
class PoolKeyImportTest {
    private static final String IMPORT = "/admin/ohmygpt/keys/import";

    AdminServer server; // a new one for each test, started by AdminServerExtension
    AdminClient admin;

    @BeforeEach
    void start() {
        admin = server.admin();
    }

    private void add(String route, String id, String apiKey) {
        assertEquals(201, admin.post(route, new JsonObject().put("id", id).put("apiKey", apiKey)).status());
    }

    @Test
    void importAcceptsAJsonArrayAndReportsWhatItSkipped() {
        add("/admin/ohmygpt/keys", "existing", server.newApiKey("existing"));
        String poolKey = server.newApiKey("pooled");
        add("/admin/ohmygpt/keys", "pooled", poolKey);
        String backupKey = server.newApiKey("spare");
        add("/admin/ohmygpt/backup-keys", "spare", backupKey);
        String bare = server.newApiKey("bare");
        String twice = server.newApiKey("twice");
        JsonArray body = new JsonArray()
                .add(new JsonObject().put("id", "imp-1").put("apiKey", server.newApiKey("imp-1")).put("enableFailover", true))
                .add(new JsonObject().put("id", "imp-2").put("apiKey", server.newApiKey("imp-2")))
                .add(bare)
                .add(new JsonObject().put("id", "existing").put("apiKey", server.newApiKey("x")))
                .add(new JsonObject().put("id", "imp-3").put("apiKey", poolKey))
                .add(new JsonObject().put("id", "imp-4").put("apiKey", backupKey))
                .add(new JsonObject().put("id", "imp-5").put("apiKey", twice))
                .add(new JsonObject().put("id", "imp-6").put("apiKey", twice))
                .add(new JsonObject().put("id", "imp-1").put("apiKey", server.newApiKey("imp-1b")))
                .add(new JsonObject().put("id", "imp-7").put("apiKey", "short"))
                .add(new JsonObject().put("id", "imp-8").put("apiKey", server.newApiKey("imp-8")).put("status", "healthy"));

        AdminClient.Response r = admin.post(IMPORT, body);
        assertEquals(200, r.status(), r.body());
        String bareId = ImportInput.generatedId(KeyImport.Target.KEY_POOL, bare);
        assertTrue(bareId.matches("k-[0-9a-f]{12}"), bareId);
        assertEquals(new JsonObject()
                .put("added", 4)
                .put("skipped", 7)
                .put("addedIds", new JsonArray(List.of("imp-1", "imp-2", bareId, "imp-5")))
                .put("skippedEntries", new JsonArray()
                        .add(skip("[3]", "existing", "a key with id 'existing' already exists"))
                        .add(skip("[4]", "imp-3", "this API key is already in the key pool as 'pooled'"))
                        .add(skip("[5]", "imp-4", "this API key is already in the backup pool as 'spare'"))
                        .add(skip("[7]", "imp-6", "this API key is already in the key pool as 'imp-5'"))
                        .add(skip("[8]", "imp-1", "a key with id 'imp-1' already exists"))
                        .add(skip("[9]", "imp-7", "invalid entry: apiKey: Must be 20 to 512 characters long"))
                        .add(skip("[10]", "imp-8", "invalid entry: status: Unknown field"))), r.json());

        var services = server.relay.services();
        PoolKey imported = services.pool().get("imp-1").orElseThrow(() -> new AssertionError("in the pool at once"));
        assertEquals(KeyStatus.HEALTHY, imported.status());
        assertTrue(imported.enableFailover());
        assertEquals(false, services.keys().find("imp-2").orElseThrow().enableFailover());
        assertEquals(6, admin.get("/admin/ohmygpt/stats").json().getInteger("totalKeys"));
        JsonObject event = admin.get("/admin/ohmygpt/events?keyId=imp-1").array("events").getJsonObject(0);
        assertEquals("created_by_operator", event.getString("reason"));
        assertEquals("healthy", event.getString("to"));
        assertEquals("enableFailover=true", event.getString("detail"));
    }

    @Test
    void importAcceptsTextLinesWithAFailoverDefault() {
        String k1 = server.newApiKey("t1");
        String k2 = server.newApiKey("t2");
        String text = "# keys bought today\n" + k1 + "\n\n" + "named-2, " + k2 + "\n" + k1 + "\n";
        AdminClient.Response r = admin.send("POST", IMPORT + "?enableFailover=true", text, "text/plain; charset=utf-8");
        assertEquals(200, r.status(), r.body());
        assertEquals(new JsonArray(List.of(ImportInput.generatedId(KeyImport.Target.KEY_POOL, k1), "named-2")),
                r.json().getJsonArray("addedIds"));
        JsonObject skipped = r.json().getJsonArray("skippedEntries").getJsonObject(0);
        assertEquals("line 5", skipped.getString("entry"));
        assertTrue(skipped.getString("reason").startsWith("a key with id 'k-"), skipped.encode());
        assertTrue(server.relay.services().keys().find("named-2").orElseThrow().enableFailover());
    }

    @Test
    void importRejectsBodiesThatAreNotAListOfEntries() {
        assertEquals(List.of(""), admin.post(IMPORT, new JsonObject().put("keys", new JsonArray())).paths());
        assertEquals("Nothing to import", admin.post(IMPORT, new JsonArray()).json().getJsonArray("details")
                .getJsonObject(0).getString("message"));
        assertEquals(List.of("enableFailover"), admin.send("POST", IMPORT + "?enableFailover=1", "x", "text/plain").paths());
        assertEquals(List.of("dryRun"), admin.send("POST", IMPORT + "?dryRun=true", "x", "text/plain").paths());
        assertEquals("Malformed JSON", admin.send("POST", IMPORT, "[{", "application/json").error());
        String tooMany = IntStream.range(0, ImportInput.MAX_ENTRIES + 1).mapToObj(i -> "k" + i + "," + "sk-many-" + i
                + "-0123456789abcdef").collect(Collectors.joining("\n"));
        assertEquals("At most 5000 entries per import", admin.send("POST", IMPORT, tooMany, "text/plain").json()
                .getJsonArray("details").getJsonObject(0).getString("message"));
        assertEquals(0, admin.get("/admin/ohmygpt/stats").json().getInteger("totalKeys"));
    }

    /**
     * 3,000 keys in one request, all in the database, the pool and the event log. The time is printed, not asserted:
     * docs/admin-api.md records it (one by one through POST /admin/ohmygpt/keys the same keys took 98 s).
     */
    @Test
    void threeThousandKeysImportInOneRequest() {
        int n = 3_000;
        String text = IntStream.range(0, n).mapToObj(i -> String.format("bulk-%04d,sk-bulk-%04d-Zq8rT2vLmN4pX7wB9cD1", i, i))
                .collect(Collectors.joining("\n"));
        long started = System.nanoTime();
        AdminClient.Response r = admin.send("POST", IMPORT, text, "text/plain");
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("pool-key import: %d keys in %d ms%n", n, ms);

        assertEquals(200, r.status(), r.body());
        assertEquals(n, r.json().getInteger("added"));
        assertEquals(0, r.json().getInteger("skipped"));
        var services = server.relay.services();
        assertEquals(n, services.keys().loadAll().size());
        assertEquals(n, services.pool().size());
        assertEquals(n, services.pool().availableCount());
        assertEquals(n, admin.get("/admin/ohmygpt/events?limit=1").json().getLong("total"));
        assertEquals("sk-bulk-2999-Zq8rT2vLmN4pX7wB9cD1", services.keys().find("bulk-2999").orElseThrow().apiKey());

        AdminClient.Response again = admin.send("POST", IMPORT, text, "text/plain");
        assertEquals(0, again.json().getInteger("added"), "a second import of the same keys adds nothing");
        assertEquals(n, again.json().getInteger("skipped"));
    }

    private static JsonObject skip(String entry, String id, String reason) {
        return new JsonObject().put("entry", entry).put("id", id).put("reason", reason);
    }
}
