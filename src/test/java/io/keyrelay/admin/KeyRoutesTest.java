package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyState;
import io.keyrelay.keys.KeyStatus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Seed 20: the pool-key routes over real HTTP. */
@ExtendWith(AdminServerExtension.class)
class KeyRoutesTest {
    static AdminServer server; // started by AdminServerExtension
    static AdminClient admin;

    @BeforeAll
    static void start() {
        admin = server.admin();
    }


    private JsonObject create(String id, Boolean enableFailover) {
        JsonObject body = new JsonObject().put("id", id).put("apiKey", server.newApiKey(id));
        if (enableFailover != null) {
            body.put("enableFailover", enableFailover);
        }
        AdminClient.Response r = admin.post("/admin/ohmygpt/keys", body);
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    private JsonObject listed(String id) {
        return admin.get("/admin/ohmygpt/keys").array("keys").stream().map(JsonObject.class::cast)
                .filter(k -> k.getString("id").equals(id)).findFirst().orElseThrow();
    }

    @Test
    void createWithoutEnableFailoverDefaultsToFalse() {
        JsonObject key = create("plain-1", null);
        assertEquals("plain-1", key.getString("id"));
        assertEquals("healthy", key.getString("status"));
        assertEquals(false, key.getBoolean("enableFailover"));
        assertEquals(0L, key.getLong("tokensUsed"));
        assertEquals(0L, key.getLong("requestsCount"));
        assertTrue(key.containsKey("lastUsedAt") && key.containsKey("lastError") && key.containsKey("cooldownUntil")
                && key.containsKey("replacedKey"));
        assertEquals(false, listed("plain-1").getBoolean("enableFailover"));
    }

    @Test
    void createWithEnableFailoverStoresItAndTheApiKeyIsMasked() {
        String apiKey = server.newApiKey("fo-1");
        AdminClient.Response r = admin.post("/admin/ohmygpt/keys",
                new JsonObject().put("id", "fo-1").put("apiKey", apiKey).put("enableFailover", true));
        assertEquals(201, r.status());
        assertEquals(true, r.json().getBoolean("enableFailover"));
        String masked = apiKey.substring(0, 8) + "…" + apiKey.substring(apiKey.length() - 4);
        assertEquals(masked, r.json().getString("apiKey"));
        assertEquals(masked, listed("fo-1").getString("apiKey"));
        assertTrue(server.relay.services().pool().get("fo-1").orElseThrow().enableFailover(), "applied to the pool at once");
    }

    @Test
    void patchTurnsFailoverOnAndOffAndReturnsTheUpdatedKey() {
        create("patch-1", null);
        AdminClient.Response on = admin.patch("/admin/ohmygpt/keys/patch-1", new JsonObject().put("enableFailover", true));
        assertEquals(200, on.status());
        assertEquals("patch-1", on.json().getString("id"));
        assertEquals(true, on.json().getBoolean("enableFailover"));
        assertEquals(true, listed("patch-1").getBoolean("enableFailover"));
        assertTrue(server.relay.services().pool().get("patch-1").orElseThrow().enableFailover());

        AdminClient.Response off = admin.patch("/admin/ohmygpt/keys/patch-1", new JsonObject().put("enableFailover", false));
        assertEquals(false, off.json().getBoolean("enableFailover"));
        assertFalse(server.relay.services().pool().get("patch-1").orElseThrow().enableFailover());
    }

    @Test
    void patchRejectsBadBodiesAndUnknownKeys() {
        create("patch-2", null);
        AdminClient.Response missing = admin.patch("/admin/ohmygpt/keys/patch-2", new JsonObject());
        assertEquals(400, missing.status());
        assertEquals("Invalid input", missing.error());
        assertEquals(List.of("enableFailover"), missing.paths());

        AdminClient.Response wrongType = admin.patch("/admin/ohmygpt/keys/patch-2", new JsonObject().put("enableFailover", "yes"));
        assertEquals(400, wrongType.status());
        assertEquals(List.of("enableFailover"), wrongType.paths());

        AdminClient.Response extra = admin.patch("/admin/ohmygpt/keys/patch-2",
                new JsonObject().put("enableFailover", true).put("status", "healthy"));
        assertEquals(400, extra.status());
        assertEquals(List.of("status"), extra.paths());

        AdminClient.Response unknown = admin.patch("/admin/ohmygpt/keys/nope", new JsonObject().put("enableFailover", true));
        assertEquals(404, unknown.status());
        assertEquals(new JsonObject().put("error", "Key not found"), unknown.json());
    }

    @Test
    void duplicateIdOrApiKeyIs409() {
        create("dup-1", null);
        AdminClient.Response sameId = admin.post("/admin/ohmygpt/keys",
                new JsonObject().put("id", "dup-1").put("apiKey", server.newApiKey("dup-other")));
        assertEquals(409, sameId.status());
        assertEquals("A key with id 'dup-1' already exists", sameId.error());

        String apiKey = server.newApiKey("dup-2");
        assertEquals(201, admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "dup-2").put("apiKey", apiKey)).status());
        AdminClient.Response sameKey = admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "dup-3").put("apiKey", apiKey));
        assertEquals(409, sameKey.status());
        assertEquals("This API key is already in the key pool as 'dup-2'", sameKey.error());
    }

    @Test
    void deleteRemovesTheKeyFromTheDatabaseAndThePool() {
        create("del-1", null);
        AdminClient.Response r = admin.delete("/admin/ohmygpt/keys/del-1");
        assertEquals(200, r.status());
        assertEquals(new JsonObject().put("success", true), r.json());
        assertTrue(server.relay.services().pool().get("del-1").isEmpty());
        assertEquals(404, admin.delete("/admin/ohmygpt/keys/del-1").status());
    }

    @Test
    void resetReturnsAUsingFailoverKeyToHealthyAndKeepsEnableFailover() {
        create("reset-1", true);
        var services = server.relay.services();
        assertTrue(services.keys().compareAndSetState("reset-1", KeyStatus.HEALTHY, KeyState.usingFailover(), Instant.now()));
        assertEquals("using_failover", listed("reset-1").getString("status"));

        AdminClient.Response r = admin.post("/admin/ohmygpt/keys/reset-1/reset", null);
        assertEquals(200, r.status(), r.body());
        assertEquals(true, r.json().getBoolean("success"));
        JsonObject key = r.json().getJsonObject("key");
        assertEquals("healthy", key.getString("status"));
        assertEquals(true, key.getBoolean("enableFailover"));
        assertNull(key.getString("lastError"));
        assertNull(key.getString("cooldownUntil"));
        assertEquals(true, listed("reset-1").getBoolean("enableFailover"));
        var pooled = services.pool().get("reset-1").orElseThrow();
        assertEquals(KeyStatus.HEALTHY, pooled.status());
        assertFalse(pooled.usesFailoverEndpoint(Instant.now()), "back on the primary endpoint");
        assertTrue(pooled.enableFailover());

        assertEquals(404, admin.post("/admin/ohmygpt/keys/nope/reset", null).status());
        assertEquals(400, admin.post("/admin/ohmygpt/keys/reset-1/reset", new JsonObject().put("force", true)).status());
    }

    @Test
    void statsCountStatusesAvailabilityAndFailoverEnabledKeys(@TempDir Path dataDir) {
        // a server of its own, so other tests' keys do not change the counts
        try (AdminServer own = AdminServer.start(dataDir.resolve("stats"))) {
            AdminClient client = own.admin();
            for (String id : List.of("s-healthy", "s-failover-on", "s-limited", "s-using", "s-exhausted")) {
                boolean failover = id.equals("s-failover-on") || id.equals("s-using");
                assertEquals(201, client.post("/admin/ohmygpt/keys", new JsonObject().put("id", id)
                        .put("apiKey", own.newApiKey(id)).put("enableFailover", failover)).status());
            }
            var keys = own.relay.services().keys();
            Instant now = Instant.now();
            keys.compareAndSetState("s-limited", KeyStatus.HEALTHY,
                    new KeyState(KeyStatus.RATE_LIMITED, now.plusSeconds(600), KeyStatus.HEALTHY, "429"), now);
            keys.compareAndSetState("s-using", KeyStatus.HEALTHY, KeyState.usingFailover(), now);
            keys.compareAndSetState("s-exhausted", KeyStatus.HEALTHY,
                    new KeyState(KeyStatus.EXHAUSTED, now.plusSeconds(86400), KeyStatus.HEALTHY, "none left"), now);

            JsonObject expected = new JsonObject()
                    .put("totalKeys", 5).put("healthyKeys", 2).put("rateLimitedKeys", 1).put("usingFailoverKeys", 1)
                    .put("exhaustedKeys", 1).put("errorKeys", 0).put("availableKeys", 3).put("failoverEnabledKeys", 2);
            assertEquals(expected, client.get("/admin/ohmygpt/stats").json());

            JsonObject list = client.get("/admin/ohmygpt/keys").json();
            assertEquals(5, list.getJsonArray("keys").size());
            expected.fieldNames().forEach(f -> assertEquals(expected.getValue(f), list.getValue(f), f));

            client.patch("/admin/ohmygpt/keys/s-healthy", new JsonObject().put("enableFailover", true));
            assertEquals(3, client.get("/admin/ohmygpt/stats").json().getInteger("failoverEnabledKeys"));
        }
    }

    @Test
    void oldDocumentsWithoutEnableFailoverListAsFalse() {
        LegacyDocuments.insertKey(server, "legacy-1", server.newApiKey("legacy-1"));
        JsonObject key = listed("legacy-1");
        assertEquals(false, key.getBoolean("enableFailover"));
        assertEquals("healthy", key.getString("status"));
        AdminClient.Response patched = admin.patch("/admin/ohmygpt/keys/legacy-1", new JsonObject().put("enableFailover", true));
        assertEquals(true, patched.json().getBoolean("enableFailover"));
    }

    @Test
    void listsKeysOldestFirstWithEveryField() {
        create("order-a", null);
        create("order-b", null);
        List<String> ids = admin.get("/admin/ohmygpt/keys").array("keys").stream()
                .map(k -> ((JsonObject) k).getString("id")).toList();
        assertTrue(ids.indexOf("order-a") < ids.indexOf("order-b"));
        assertEquals(List.of("id", "apiKey", "status", "enableFailover", "tokensUsed", "requestsCount", "lastUsedAt",
                "lastError", "cooldownUntil", "createdAt", "replacedKey", "breakers"), List.copyOf(listed("order-a").fieldNames()));
    }
}
