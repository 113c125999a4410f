package io.keyrelay.security;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.keyrelay.upstream.Dialect;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No client can make KeyRelay rotate keys, move them to failover or empty the backup pool by what it sends (SPEC §3):
 * keywords count only in what the upstream says about itself, one request causes at most one rotation, and a burst
 * of rotations is paused. The upstream here echoes request text in its errors, as Anthropic and OpenAI do.
 */
class ClientSteeredRotationTest {
    private static final Set<String> KNOWN_FIELDS = Set.of("model", "messages", "max_tokens", "stream", "system");

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_ROTATION_BURST", "3"));
    }

    private void restartWithOneAttemptPerRequest() {
        relay.close();
        relay = RelayFixture.start(dataDir.resolve("one-attempt"),
                Map.of("KEYRELAY_ROTATION_BURST", "3", "KEYRELAY_MAX_ATTEMPTS", "1"));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** Answers 400 naming each unknown field of the request, as Anthropic and OpenAI word it. */
    private static FakeUpstream.Behavior echoingUnknownFields() {
        return (r, req, up) -> {
            String field = new JsonObject(r.body()).fieldNames().stream().filter(f -> !KNOWN_FIELDS.contains(f))
                    .findFirst().orElse(null);
            String beta = r.headers().get("anthropic-beta");
            if (field == null && beta == null) {
                FakeUpstream.ok().respond(r, req, up);
                return;
            }
            String body;
            if (r.dialect() == Dialect.ANTHROPIC) {
                String message = field != null ? field + ": Extra inputs are not permitted"
                        : "Unexpected value(s) `" + beta + "` for the `anthropic-beta` header.";
                body = new JsonObject().put("type", "error").put("error", new JsonObject()
                        .put("type", "invalid_request_error").put("message", message)).encode();
            } else {
                body = new JsonObject().put("error", new JsonObject()
                        .put("message", "Unrecognized request argument supplied: " + field)
                        .put("type", "invalid_request_error").putNull("param").putNull("code")).encode();
            }
            status(400, body).respond(r, req, up);
        };
    }

    @Test
    void requestTextEchoedInA400NeverRotatesAKeyOrTouchesTheBackupPool() {
        addKeysAndBackups(3, 4);
        relay.upstream.always(FakeUpstream.any(), echoingUnknownFields());
        List<String> bodies = List.of(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"over budget\":1}",
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"ExceededBudget\":1}",
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"budget_exceeded\":true}",
                // a JSON escape the upstream decodes before echoing
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"over\\u0020BUDGET\":1}");
        for (String body : bodies) {
            for (String path : List.of("/v1/messages", "/v1/chat/completions")) {
                HttpResponse<String> r = relay.post(path, body);
                assertEquals(400, r.statusCode(), path + " " + body + ": " + r.body());
            }
        }
        assertPoolUntouched(3, 4);
    }

    @Test
    void aHeaderValueEchoedInA400NeverRotatesAKey() {
        addKeysAndBackups(2, 2);
        relay.upstream.always(FakeUpstream.any(), echoingUnknownFields());

        HttpResponse<String> r = relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}",
                Map.of("authorization", "Bearer " + relay.clientKey, "anthropic-beta", "over budget"));

        assertEquals(400, r.statusCode(), r.body());
        assertPoolUntouched(2, 2);
    }

    @Test
    void aRateLimitThatEchoesABanWordFromTheRequestIsStillOnlyARateLimit() {
        addKeysAndBackups(1, 2);
        relay.upstream.always(key(apiKeyOf("k0")), (r, req, up) -> status(429,
                new JsonObject().put("error", new JsonObject().put("type", "rate_limit_error").put("message",
                        "Too many requests for model " + new JsonObject(r.body()).getString("model"))).encode(),
                Map.of("retry-after", "30")).respond(r, req, up));

        HttpResponse<String> r = relay.post("/v1/messages", "{\"model\":\"banned-model\",\"max_tokens\":5,\"messages\":[]}");

        assertEquals(503, r.statusCode(), r.body());
        relay.awaitStateWrites();
        assertEquals(KeyStatus.RATE_LIMITED, relay.services().keys().find("k0").orElseThrow().status());
        assertEquals(0, usedBackups());
    }

    @Test
    void theUpstreamsOwnQuotaWordsStillRotateWhateverTheRequestSays() {
        addKeysAndBackups(1, 2);
        String quota = new JsonObject().put("error", new JsonObject().put("type", "invalid_request_error")
                .put("code", "budget_exceeded").put("message", "Your key over budget")).encode();
        relay.upstream.always(key(apiKeyOf("k0")), status(400, quota));

        // the request mentions the words too: the code field is the upstream's own, so it still counts
        HttpResponse<String> r = relay.post("/v1/messages",
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"over budget, budget_exceeded\"}]}");

        assertEquals(200, r.statusCode(), r.body());
        relay.awaitStateWrites();
        assertTrue(relay.services().keys().find("k0").isEmpty(), "the failed key was rotated out");
        assertEquals(1, usedBackups());
    }

    @Test
    void oneRequestCausesAtMostOneRotation() {
        addKeysAndBackups(3, 5);
        for (int i = 0; i < 3; i++) {
            relay.upstream.always(key(apiKeyOf("k" + i)), status(402, "{\"error\":{\"message\":\"Insufficient balance\"}}"));
        }

        HttpResponse<String> r = relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");

        assertEquals(200, r.statusCode(), r.body());
        relay.awaitStateWrites();
        assertEquals(1, usedBackups(), "one request, one rotation");
        long cooled = relay.services().keys().loadAll().stream()
                .filter(k -> k.status() == KeyStatus.RATE_LIMITED && k.cooldownUntil() != null).count();
        assertEquals(1, cooled, "the next refusing key rests instead: " + relay.services().keys().loadAll());
        List<String> tried = relay.upstream.received().stream().map(FakeUpstream.Received::apiKey).toList();
        assertEquals(3, tried.size(), "then the request waits for its replacement, not for more refusing keys: " + tried);
        assertEquals(apiKeyOf("b0"), tried.get(2), "served by the key that replaced the one it rotated");
    }

    @Test
    void aBurstOfRotationsIsPausedWithAnEventAndAnAlert() {
        restartWithOneAttemptPerRequest(); // each request meets one key: its answer decides rotate or pause
        addKeysAndBackups(6, 10);
        relay.upstream.always(r -> r.apiKey().startsWith("sk-fake-k"), status(402, "{\"error\":{\"message\":\"No balance\"}}"));

        for (int i = 0; i < 20; i++) {
            relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");
            relay.awaitStateWrites();
        }

        assertEquals(3, usedBackups(), "KEYRELAY_ROTATION_BURST=3 rotations within a minute, then a pause");
        long paused = relay.services().keys().loadAll().stream()
                .filter(k -> k.status() == KeyStatus.RATE_LIMITED && k.lastError().startsWith("Rotations paused")).count();
        assertEquals(3, paused, "the other three failing keys rest instead: " + relay.services().keys().loadAll());
        JsonObject events = adminGet("/admin/ohmygpt/events?limit=100");
        assertTrue(events.encode().contains("rotation_paused"), events.encode());
        JsonObject alerts = adminGet("/admin/alerts");
        assertTrue(alerts.encode().contains("rotation_burst"), alerts.encode());
    }

    private void addKeysAndBackups(int keys, int backups) {
        for (int i = 0; i < keys; i++) {
            relay.addKey("k" + i, false);
        }
        for (int i = 0; i < backups; i++) {
            relay.addBackup("b" + i, false);
        }
    }

    private void assertPoolUntouched(int keys, int backups) {
        relay.awaitStateWrites();
        List<PoolKey> stored = relay.services().keys().loadAll();
        assertEquals(keys, stored.size(), stored.toString());
        for (PoolKey k : stored) {
            assertEquals(KeyStatus.HEALTHY, k.status(), k.toString());
            assertFalse(k.id().startsWith("b"), "no replacement key: " + k);
        }
        assertEquals(0, usedBackups());
        assertEquals(backups, relay.services().backupKeys().loadAll().size());
    }

    private long usedBackups() {
        return relay.services().backupKeys().loadAll().stream().filter(BackupKey::isUsed).count();
    }

    private JsonObject adminGet(String path) {
        try {
            HttpResponse<String> r = relay.http().send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
                    .header("authorization", "Bearer " + RelayFixture.ADMIN_TOKEN).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return new JsonObject(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
