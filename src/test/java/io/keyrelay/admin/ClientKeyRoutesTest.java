package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.clients.Authentication;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client-key routes: the full key once at creation, masked afterwards; enable, disable, limit, delete. */
@ExtendWith(AdminServerExtension.class)
class ClientKeyRoutesTest {
    static AdminServer server; // started by AdminServerExtension
    static AdminClient admin;

    @BeforeAll
    static void start() {
        admin = server.admin();
    }


    /** Creates a key and registers its secret, so no later answer may show it. */
    private JsonObject create(JsonObject body) {
        AdminClient.Response r = admin.post("/admin/client-keys", body);
        assertEquals(201, r.status(), r.body());
        server.secrets.add(r.json().getString("key"));
        return r.json();
    }

    private JsonObject listed(String id) {
        return admin.get("/admin/client-keys").array("keys").stream().map(JsonObject.class::cast)
                .filter(k -> k.getString("id").equals(id)).findFirst().orElseThrow();
    }

    @Test
    void createShowsTheFullKeyOnceAndTheListShowsItMasked() {
        JsonObject created = create(new JsonObject().put("name", "team A"));
        String secret = created.getString("key");
        assertTrue(secret.startsWith("kr-") && secret.length() > 20);
        assertEquals("team A", created.getString("name"));
        assertEquals(true, created.getBoolean("enabled"));
        assertEquals(0, created.getInteger("rpmLimit"));
        assertEquals(secret.substring(0, 8) + "…" + secret.substring(secret.length() - 4), created.getString("maskedKey"));

        JsonObject listed = listed(created.getString("id"));
        assertFalse(listed.containsKey("key"));
        assertEquals(List.of("id", "name", "maskedKey", "enabled", "rpmLimit", "requestsCount", "tokensUsed",
                "lastUsedAt", "createdAt", "tpmLimit", "tokenBudget", "budgetPeriod", "tokensUsedInPeriod",
                "periodResetsAt", "expiresAt", "expired", "allowedModels"), List.copyOf(listed.fieldNames()));
        assertInstanceOf(Authentication.Accepted.class, server.relay.services().clientKeys().authenticate(secret),
                "usable by the proxy at once");
    }

    @Test
    void patchDisablesEnablesAndLimitsAKey() {
        JsonObject created = create(new JsonObject().put("name", "team B").put("rpmLimit", 60));
        String id = created.getString("id");
        String secret = created.getString("key");
        assertEquals(60, created.getInteger("rpmLimit"));

        AdminClient.Response disabled = admin.patch("/admin/client-keys/" + id, new JsonObject().put("enabled", false));
        assertEquals(200, disabled.status());
        assertEquals(false, disabled.json().getBoolean("enabled"));
        assertInstanceOf(Authentication.Rejected.class, server.relay.services().clientKeys().authenticate(secret));

        JsonObject both = admin.patch("/admin/client-keys/" + id, new JsonObject().put("enabled", true).put("rpmLimit", 0)).json();
        assertEquals(true, both.getBoolean("enabled"));
        assertEquals(0, both.getInteger("rpmLimit"));
        assertInstanceOf(Authentication.Accepted.class, server.relay.services().clientKeys().authenticate(secret));

        assertEquals(List.of(""), admin.patch("/admin/client-keys/" + id, new JsonObject()).paths());
        assertEquals(List.of("rpmLimit"), admin.patch("/admin/client-keys/" + id, new JsonObject().put("rpmLimit", -1)).paths());
        assertEquals(List.of("rpmLimit"), admin.patch("/admin/client-keys/" + id, new JsonObject().put("rpmLimit", 1.5)).paths());
        assertEquals(List.of("enabled"), admin.patch("/admin/client-keys/" + id, new JsonObject().put("enabled", "false")).paths());
        assertEquals(404, admin.patch("/admin/client-keys/ck_none", new JsonObject().put("enabled", true)).status());
    }

    @Test
    void usageCountersIncludeWhatIsNotYetWritten() {
        String id = create(new JsonObject().put("name", "metered")).getString("id");
        var clientKeys = server.relay.services().clientKeys();
        clientKeys.recordRequest(id, java.time.Instant.now());
        clientKeys.recordRequest(id, java.time.Instant.now());
        clientKeys.recordTokens(clientKeys.find(id).orElseThrow(), 150, java.time.Instant.now());
        JsonObject listed = listed(id);
        assertEquals(2, listed.getLong("requestsCount"));
        assertEquals(150, listed.getLong("tokensUsed"));
        assertTrue(listed.getString("lastUsedAt") != null);
    }

    @Test
    void deleteRevokesTheKey() {
        JsonObject created = create(new JsonObject().put("name", "temporary"));
        String id = created.getString("id");
        assertEquals(new JsonObject().put("success", true), admin.delete("/admin/client-keys/" + id).json());
        assertInstanceOf(Authentication.Rejected.class, server.relay.services().clientKeys().authenticate(created.getString("key")));
        assertEquals(404, admin.delete("/admin/client-keys/" + id).status());
    }

    @Test
    void createValidatesNameAndLimit() {
        assertEquals(List.of("name"), admin.post("/admin/client-keys", new JsonObject()).paths());
        assertEquals(List.of("name"), admin.post("/admin/client-keys", new JsonObject().put("name", "")).paths());
        assertEquals(List.of("name"), admin.post("/admin/client-keys", new JsonObject().put("name", "x".repeat(101))).paths());
        assertEquals(List.of("name"), admin.post("/admin/client-keys", new JsonObject().put("name", "   ")).paths());
        assertEquals(201, admin.post("/admin/client-keys", new JsonObject().put("name", "y".repeat(100))).status());
        assertEquals(List.of("rpmLimit"), admin.post("/admin/client-keys", new JsonObject().put("name", "n").put("rpmLimit", "10")).paths());
        assertEquals(List.of("key", "name", "rpmLimit"), admin.post("/admin/client-keys",
                new JsonObject().put("name", 5).put("rpmLimit", -3).put("key", "mine")).paths());
    }

    @Test
    void controlsAreStoredShownAndChangedOneByOne() {
        JsonObject created = create(new JsonObject().put("name", "reseller").put("tokenBudget", 1_000_000)
                .put("budgetPeriod", "month").put("tpmLimit", 5000).put("expiresAt", "2030-01-01T00:00:00Z")
                .put("allowedModels", new io.vertx.core.json.JsonArray().add("claude-*").add("GPT-4o")));
        String id = created.getString("id");
        assertEquals(1_000_000L, created.getLong("tokenBudget"));
        assertEquals("month", created.getString("budgetPeriod"));
        assertEquals(5000L, created.getLong("tpmLimit"));
        assertEquals("2030-01-01T00:00:00Z", created.getString("expiresAt"));
        assertEquals(false, created.getBoolean("expired"));
        assertEquals(List.of("claude-*", "gpt-4o"), created.getJsonArray("allowedModels").getList());
        assertEquals(0L, created.getLong("tokensUsedInPeriod"));
        assertTrue(created.getString("periodResetsAt").endsWith("-01T00:00:00Z"), created.encode());

        JsonObject patched = admin.patch("/admin/client-keys/" + id, new JsonObject().putNull("expiresAt")
                .put("budgetPeriod", "day")).json();
        assertEquals(null, patched.getString("expiresAt"));
        assertEquals("day", patched.getString("budgetPeriod"));
        assertEquals(1_000_000L, patched.getLong("tokenBudget"), "what the patch does not name stays");
        assertEquals(List.of("claude-*", "gpt-4o"), listed(id).getJsonArray("allowedModels").getList());

        JsonObject total = admin.patch("/admin/client-keys/" + id, new JsonObject().put("budgetPeriod", "total")).json();
        assertEquals(null, total.getString("periodResetsAt"), "a total budget never resets");
    }

    @Test
    void badControlsGetTheUsual400WithEveryProblem() {
        AdminClient.Response r = admin.post("/admin/client-keys", new JsonObject().put("name", "n")
                .put("tokenBudget", -1).put("budgetPeriod", "week").put("tpmLimit", 1.5).put("expiresAt", "tomorrow")
                .put("allowedModels", new io.vertx.core.json.JsonArray().add("ok").add(" spaced ")));
        assertEquals(400, r.status(), r.body());
        assertEquals(List.of("tpmLimit", "tokenBudget", "budgetPeriod", "expiresAt", "allowedModels[1]"), r.paths());
        assertEquals(List.of("allowedModels"), admin.post("/admin/client-keys", new JsonObject().put("name", "n")
                .put("allowedModels", "claude-*")).paths());
        String id = create(new JsonObject().put("name", "to patch")).getString("id");
        assertEquals(List.of(""), admin.patch("/admin/client-keys/" + id, new JsonObject()).paths());
        assertEquals(404, admin.patch("/admin/client-keys/nope", new JsonObject().put("tokenBudget", 5)).status());
    }
}
