package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No answer ever holds a whole key. {@link AdminClient} scans every answer of every admin test; this test makes
 * sure every route has been called with keys present, valid and invalid input alike.
 */
class KeyLeakTest {
    @TempDir
    Path dataDir;

    @Test
    void noAnswerOfAnyRouteHoldsAWholeKey() {
        try (AdminServer server = AdminServer.start(dataDir)) {
            AdminClient admin = server.admin().header(AdminAuth.CSRF_HEADER, "1");
            List<AdminClient.Response> answers = new ArrayList<>();
            String poolKey = server.newApiKey("leak-k");
            String backupKey = server.newApiKey("leak-b");
            answers.add(admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "leak-k").put("apiKey", poolKey).put("enableFailover", true)));
            answers.add(admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "leak-k").put("apiKey", poolKey)));
            answers.add(admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "leak-2").put("apiKey", poolKey)));
            answers.add(admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", 5).put("apiKey", poolKey + " x")));
            answers.add(admin.send("POST", "/admin/ohmygpt/keys", "{\"apiKey\":" + poolKey + "}", "application/json"));
            answers.add(admin.send("POST", "/admin/ohmygpt/keys", "{\"apiKey\":\"" + poolKey + "\",\"apiKey\":1}", "application/json"));
            answers.add(admin.get("/admin/ohmygpt/keys"));
            answers.add(admin.get("/admin/ohmygpt/stats"));
            answers.add(admin.patch("/admin/ohmygpt/keys/leak-k", new JsonObject().put("enableFailover", false)));
            answers.add(admin.post("/admin/ohmygpt/keys/leak-k/reset", null));

            answers.add(admin.post("/admin/ohmygpt/backup-keys", new JsonObject().put("id", "leak-b").put("apiKey", backupKey)));
            answers.add(admin.post("/admin/ohmygpt/backup-keys", new JsonObject().put("id", "leak-b2").put("apiKey", backupKey)));
            answers.add(admin.post("/admin/ohmygpt/backup-keys/import", new JsonArray().add(backupKey).add(poolKey)
                    .add(new JsonObject().put("id", "bad id").put("apiKey", server.newApiKey("leak-i")))
                    .add(server.newApiKey("leak-j"))));
            answers.add(admin.send("POST", "/admin/ohmygpt/backup-keys/import", backupKey + "\nid-x," + poolKey + "\n", "text/plain"));
            answers.add(admin.get("/admin/ohmygpt/backup-keys"));
            answers.add(admin.get("/admin/ohmygpt/backup-keys/stats"));
            answers.add(admin.patch("/admin/ohmygpt/backup-keys/leak-b", new JsonObject().put("enableFailover", true)));
            answers.add(admin.post("/admin/ohmygpt/backup-keys/leak-b/restore", null));

            AdminClient.Response created = admin.post("/admin/client-keys", new JsonObject().put("name", "leak"));
            String clientKey = created.json().getString("key");
            server.secrets.add(clientKey);
            String clientId = created.json().getString("id");
            answers.add(admin.get("/admin/client-keys"));
            answers.add(admin.patch("/admin/client-keys/" + clientId, new JsonObject().put("rpmLimit", 5)));
            answers.add(admin.get("/admin/ohmygpt/events"));
            answers.add(admin.get("/admin/session"));
            answers.add(admin.get("/admin/openapi.json"));
            answers.add(server.anonymous().header(AdminAuth.CSRF_HEADER, "1").post("/admin/sign-in",
                    new JsonObject().put("token", AdminServer.TOKEN)));

            answers.add(admin.delete("/admin/client-keys/" + clientId));
            answers.add(admin.delete("/admin/ohmygpt/backup-keys/leak-b"));
            answers.add(admin.delete("/admin/ohmygpt/keys/leak-k"));

            assertTrue(answers.stream().anyMatch(r -> r.status() == 400));
            assertTrue(answers.stream().anyMatch(r -> r.status() == 409));
            assertLogHoldsNoSecret(server);
        }
    }

    /** The test log (see logback-test.xml) has every line the server logged while these calls ran. */
    private static void assertLogHoldsNoSecret(AdminServer server) {
        Path log = Path.of("target/test-logs/keyrelay-tests.log");
        if (!Files.exists(log)) {
            return;
        }
        String text;
        try {
            text = Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(text.contains("key=leak-k added by operator"), "the log is the one this run writes");
        for (String secret : server.secrets) {
            assertFalse(text.contains(secret.substring(8, secret.length() - 4)), "a logged line holds a secret");
        }
    }
}
