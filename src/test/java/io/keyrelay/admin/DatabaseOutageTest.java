package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the database down, admin writes say so (503) instead of hanging or failing obscurely, reads answer from memory
 * marked stale, and auth still works.
 */
class DatabaseOutageTest {
    @TempDir
    Path dataDir;

    @Test
    void adminWritesAnswer503AndReadsAnswerFromMemoryWhileTheDatabaseIsDown() {
        // no periodic reload, so shutdown does not wait for one stuck on the dead database
        try (AdminServer server = AdminServer.start(dataDir, Map.of("KEYRELAY_SYNC_INTERVAL", "1h"), Clock.systemUTC())) {
            AdminClient admin = server.admin();
            assertEquals(201, admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "before")
                    .put("apiKey", server.newApiKey("before"))).status());

            server.relay.services().storage().embedded().close();

            AdminClient.Response write = admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "during")
                    .put("apiKey", server.newApiKey("during")));
            assertEquals(503, write.status(), write.body());
            assertEquals("Database unavailable: nothing was changed, try again shortly", write.error());
            assertEquals("5", write.header("Retry-After").orElseThrow());
            AdminClient.Response read = admin.get("/admin/ohmygpt/keys");
            assertEquals(200, read.status(), read.body());
            assertEquals("true", read.header("X-KeyRelay-Stale").orElseThrow());
            assertEquals(1, read.json().getJsonArray("keys").size(), "the key this instance holds");
            assertEquals(200, admin.get("/admin/session").status(), "auth needs no database");
            assertEquals(400, admin.post("/admin/ohmygpt/keys", new JsonObject()).status(), "validation neither");
            assertEquals(1, server.relay.services().pool().size(), "the pool keeps serving what it had");
        }
    }
}
