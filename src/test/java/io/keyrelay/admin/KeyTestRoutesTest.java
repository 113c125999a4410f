package io.keyrelay.admin;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.side;
import static io.keyrelay.support.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyState;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.FakeUpstream.Side;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5a: a key test sends one minimal request per endpoint to the scripted upstream on a real socket, answers what
 * each endpoint said and what KeyRelay would do, and changes nothing.
 */
class KeyTestRoutesTest {
    private static final String MODEL = "claude-test-small";
    private static final String QUOTA = "{\"error\":{\"type\":\"billing_error\",\"message\":\"Insufficient balance\"}}";

    @TempDir
    static Path dataDir;
    static FakeUpstream upstream;
    static AdminServer server;
    static AdminClient admin;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        server = AdminServer.start(dataDir, env(upstream.env()), Clock.systemUTC());
        admin = server.admin();
    }

    /** The upstream's URLs, a short first-byte timeout and the test model. */
    static Map<String, String> env(Map<String, String> urls) {
        Map<String, String> env = new HashMap<>(urls);
        env.put("KEYRELAY_FIRST_BYTE_TIMEOUT", "1s");
        env.put("KEYRELAY_KEY_TEST_MODEL", MODEL);
        return env;
    }

    @AfterAll
    static void stop() {
        server.close();
        upstream.close();
    }

    @BeforeEach
    void clearScript() {
        upstream.clear();
    }

    private static String addKey(String id, boolean enableFailover) {
        String apiKey = server.newApiKey(id);
        server.relay.services().administration().add(id, apiKey, enableFailover);
        return apiKey;
    }

    private static JsonObject test(String path) {
        AdminClient.Response r = admin.post(path, null);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static JsonObject result(JsonObject answer, int i) {
        return answer.getJsonArray("results").getJsonObject(i);
    }

    @Test
    void aWorkingKeyIsTestedOnThePrimaryEndpointOnlyWithOneTokenOfTheTestModel() {
        String apiKey = addKey("t-ok", false);
        JsonObject answer = test("/admin/ohmygpt/keys/t-ok/test");

        assertEquals("ok", answer.getString("verdict"));
        assertEquals("none", answer.getString("action"));
        assertEquals("primary", answer.getString("decidedBy"));
        assertEquals(1, answer.getJsonArray("results").size(), "failover is off: the primary endpoint only");
        JsonObject primary = result(answer, 0);
        assertEquals(List.of("endpoint", "status", "class", "ms", "message"), List.copyOf(primary.fieldNames()));
        assertEquals("primary", primary.getString("endpoint"));
        assertEquals(200, primary.getInteger("status"));
        assertEquals("ok", primary.getString("class"));
        assertTrue(primary.getLong("ms") >= 0);
        assertNull(primary.getString("message"));

        FakeUpstream.Received sent = upstream.received().get(0);
        assertEquals(1, upstream.received().size());
        assertEquals(Side.PRIMARY, sent.side());
        assertEquals("/primary/v1/messages", sent.path());
        assertEquals(apiKey, sent.apiKey());
        assertEquals(apiKey, sent.headers().get("x-api-key"));
        assertEquals("2023-06-01", sent.headers().get("anthropic-version"));
        JsonObject body = new JsonObject(sent.body());
        assertEquals(MODEL, body.getString("model"));
        assertEquals(1, body.getInteger("max_tokens"));
        assertFalse(sent.stream());

        JsonObject schemas = admin.get("/admin/openapi.json").json().getJsonObject("components").getJsonObject("schemas");
        assertEquals(schemas.getJsonObject("KeyTest").getJsonObject("properties").fieldNames(), answer.fieldNames());
        assertEquals(schemas.getJsonObject("KeyTestResult").getJsonObject("properties").fieldNames(), primary.fieldNames());
    }

    @Test
    void theFailoverEndpointIsTestedTooWhenTheKeyHasFailoverEnabled() {
        addKey("t-both", true);
        JsonObject answer = test("/admin/ohmygpt/keys/t-both/test");
        assertEquals(List.of("primary", "failover"), answer.getJsonArray("results").stream()
                .map(r -> ((JsonObject) r).getString("endpoint")).toList());
        assertEquals(List.of(Side.PRIMARY, Side.FAILOVER), upstream.received().stream().map(FakeUpstream.Received::side).sorted().toList());
        assertEquals("ok", answer.getString("verdict"));
        assertEquals("primary", answer.getString("decidedBy"));
    }

    @Test
    void eachUpstreamAnswerIsClassifiedAsTheProxyClassifiesIt() {
        String apiKey = addKey("t-class", false);
        Map<String, FakeUpstream.Behavior> answers = Map.of(
                "rate_limited/cool_down", status(429, "{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}"),
                "quota/rotate", status(402, QUOTA),
                "banned/rotate", status(429, "{\"error\":{\"type\":\"account_banned\",\"message\":\"this key is banned\"}}"),
                "invalid_key/rotate", status(401, "{\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}"),
                "client_error/none", status(404, "{\"error\":{\"type\":\"not_found_error\",\"message\":\"model: " + MODEL + "\"}}"),
                "transient/none", status(502, "<html>bad gateway</html>"));
        answers.forEach((expected, behavior) -> {
            upstream.clear();
            upstream.on(key(apiKey), 1, behavior);
            JsonObject answer = test("/admin/ohmygpt/keys/t-class/test");
            assertEquals(expected, answer.getString("verdict") + "/" + answer.getString("action"), answer.encode());
            assertEquals(answer.getString("verdict"), result(answer, 0).getString("class"));
        });
    }

    @Test
    void aQuotaOnThePrimaryEndpointOfAFailoverKeyIsJudgedByTheFailoverEndpoint() {
        String apiKey = addKey("t-moves", true);
        upstream.on(key(apiKey).and(side(Side.PRIMARY)), 1, status(402, QUOTA));
        JsonObject moves = test("/admin/ohmygpt/keys/t-moves/test");
        assertEquals("quota", result(moves, 0).getString("class"));
        assertEquals(402, result(moves, 0).getInteger("status"));
        assertEquals("ok", result(moves, 1).getString("class"));
        assertEquals(List.of("ok", "use_failover", "failover"), List.of(moves.getString("verdict"),
                moves.getString("action"), moves.getString("decidedBy")), "KeyRelay would move it there, where it works");

        upstream.clear();
        upstream.always(key(apiKey), status(402, QUOTA));
        JsonObject spent = test("/admin/ohmygpt/keys/t-moves/test");
        assertEquals(List.of("quota", "rotate", "failover"), List.of(spent.getString("verdict"), spent.getString("action"),
                spent.getString("decidedBy")), "spent on both: replaced by a backup key");
    }

    @Test
    void aKeyAlreadyOnTheFailoverEndpointIsJudgedThere() {
        String apiKey = addKey("t-there", true);
        var services = server.relay.services();
        assertTrue(services.keys().compareAndSetState("t-there", KeyStatus.HEALTHY, KeyState.usingFailover(), Instant.now()));
        upstream.on(key(apiKey).and(side(Side.FAILOVER)), 1, status(402, QUOTA));
        JsonObject answer = test("/admin/ohmygpt/keys/t-there/test");
        assertEquals("ok", result(answer, 0).getString("class"), "the primary endpoint answers, but the key is not sent there");
        assertEquals(List.of("quota", "rotate", "failover"), List.of(answer.getString("verdict"), answer.getString("action"),
                answer.getString("decidedBy")));
    }

    @Test
    void noAnswerIsTransientWhetherNoneCameInTimeOrTheConnectionWasRefused() throws IOException {
        String apiKey = addKey("t-hang", false);
        upstream.on(key(apiKey), 1, FakeUpstream.hang());
        JsonObject hung = result(test("/admin/ohmygpt/keys/t-hang/test"), 0);
        assertNull(hung.getValue("status"));
        assertEquals("transient", hung.getString("class"));
        assertEquals("No answer within 1000 ms", hung.getString("message"));

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> urls = new HashMap<>(upstream.env());
        urls.put("KEYRELAY_PRIMARY_MESSAGES_URL", "http://127.0.0.1:" + closedPort + "/v1/messages");
        try (AdminServer refused = AdminServer.start(Files.createTempDirectory(dataDir, "refused"), env(urls), Clock.systemUTC())) {
            JsonObject answer = refused.admin().post("/admin/ohmygpt/test", new JsonObject()
                    .put("apiKey", refused.newApiKey("refused")).put("enableFailover", true)).json();
            JsonObject primary = result(answer, 0);
            assertNull(primary.getValue("status"));
            assertEquals("transient", primary.getString("class"));
            assertTrue(primary.getString("message").startsWith("No answer: "), primary.getString("message"));
            assertFalse(primary.getString("message").contains("127.0.0.1"), "sanitised as the proxy sanitises");
            assertEquals("ok", result(answer, 1).getString("class"), "the failover endpoint still answers");
            assertEquals(List.of("transient", "none"), List.of(answer.getString("verdict"), answer.getString("action")));
        }
    }

    @Test
    void messagesAreSanitisedAsClientsGetThemAndNeverHoldTheKey() {
        String apiKey = addKey("t-echo", false);
        upstream.on(key(apiKey), 1, status(401, new JsonObject().put("error", new JsonObject()
                .put("message", "Incorrect API key provided: " + apiKey + ". See https://ohmygpt.com/keys or "
                        + "api.ohmygpt.com for help. " + "Check it and try again. ".repeat(20))).encode()));
        JsonObject answer = test("/admin/ohmygpt/keys/t-echo/test"); // AdminClient fails on any whole or hidden key part
        String message = result(answer, 0).getString("message");
        assertTrue(message.startsWith("Incorrect API key provided: [redacted]."), message);
        assertFalse(message.toLowerCase().contains("ohmygpt"), message);
        assertEquals(301, message.length(), "cut to 300 characters and an ellipsis");
        assertEquals("invalid_key", answer.getString("verdict"));
    }

    @Test
    void aTestChangesNoStateRecordsNoEventAndCountsNoUsage() {
        String apiKey = addKey("t-still", true);
        var services = server.relay.services();
        PoolKey stored = services.keys().find("t-still").orElseThrow();
        PoolKey pooled = services.pool().get("t-still").orElseThrow();
        long events = admin.get("/admin/ohmygpt/events?keyId=t-still").json().getLong("total");

        upstream.always(key(apiKey).and(side(Side.PRIMARY)), status(402, QUOTA));
        upstream.always(key(apiKey).and(side(Side.FAILOVER)), status(429, "{\"error\":{\"message\":\"slow down\"}}"));
        assertEquals("rate_limited", test("/admin/ohmygpt/keys/t-still/test").getString("verdict"));
        upstream.clear();
        upstream.always(key(apiKey), status(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        for (int i = 0; i < 6; i++) { // more than KEYRELAY_BREAKER_FAILURES transient failures in a row
            assertEquals("transient", test("/admin/ohmygpt/keys/t-still/test").getString("verdict"));
        }
        upstream.clear();
        assertEquals("ok", test("/admin/ohmygpt/keys/t-still/test").getString("verdict"));

        assertEquals(stored, services.keys().find("t-still").orElseThrow(), "the stored key, updatedAt included");
        PoolKey after = services.pool().get("t-still").orElseThrow();
        assertTrue(pooled.sameStateAs(after));
        assertEquals(0, after.requestsCount());
        assertEquals(0, after.tokensUsed());
        assertEquals(List.of(), services.pool().breakers().views("t-still"), "no breaker counted the failures");
        assertEquals(0, services.admin().keyUsage().pending("t-still").requests(), "no usage counted");
        assertEquals(events, admin.get("/admin/ohmygpt/events?keyId=t-still").json().getLong("total"), "no event");
        JsonObject listed = admin.get("/admin/ohmygpt/keys?search=t-still").array("keys").getJsonObject(0);
        assertEquals("healthy", listed.getString("status"));
        assertEquals(0L, listed.getLong("requestsCount"));
    }

    @Test
    void backupKeysAndTypedKeysAreTestedAsTheFreshKeysTheyWouldBecome() {
        String backup = server.newApiKey("t-spare");
        assertEquals(201, admin.post("/admin/ohmygpt/backup-keys", new JsonObject().put("id", "t-spare")
                .put("apiKey", backup).put("enableFailover", true)).status());
        upstream.on(key(backup).and(side(Side.PRIMARY)), 1, status(429, "{\"error\":{\"message\":\"slow down\"}}"));
        JsonObject spare = test("/admin/ohmygpt/backup-keys/t-spare/test");
        assertEquals(2, spare.getJsonArray("results").size(), "its own failover setting");
        assertEquals("rate_limited", spare.getString("verdict"));
        assertFalse(server.relay.services().backupKeys().find("t-spare").orElseThrow().isUsed());

        String typed = server.newApiKey("typed");
        AdminClient.Response r = admin.post("/admin/ohmygpt/test", new JsonObject().put("apiKey", typed));
        assertEquals(200, r.status(), r.body());
        assertEquals("ok", r.json().getString("verdict"));
        assertEquals(1, r.json().getJsonArray("results").size());
        assertTrue(upstream.received().stream().anyMatch(s -> typed.equals(s.apiKey())));
        assertTrue(server.relay.services().keys().findByApiKey(typed).isEmpty(), "a typed key is not saved");
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent() {
        addKey("t-bad", false);
        AdminClient.Response unknown = admin.post("/admin/ohmygpt/keys/nope/test", null);
        assertEquals(404, unknown.status());
        assertEquals(new JsonObject().put("error", "Key not found"), unknown.json());
        assertEquals(404, admin.post("/admin/ohmygpt/backup-keys/nope/test", null).status());
        assertEquals(List.of("force"), admin.post("/admin/ohmygpt/keys/t-bad/test", new JsonObject().put("force", true)).paths());
        assertEquals(List.of("apiKey"), admin.post("/admin/ohmygpt/test", new JsonObject().put("apiKey", "short")).paths());
        assertEquals(List.of("apiKey"), admin.post("/admin/ohmygpt/test", new JsonObject()
                .put("apiKey", "sk-has a space-0123456789abcdef")).paths());
        assertEquals(List.of("model", "apiKey", "enableFailover"), admin.post("/admin/ohmygpt/test", new JsonObject()
                .put("enableFailover", "yes").put("model", "x")).paths());
        assertEquals("Malformed JSON", admin.send("POST", "/admin/ohmygpt/test", "{", "application/json").error());
        assertEquals(405, admin.get("/admin/ohmygpt/test").status());
        assertEquals(List.of(), upstream.received(), "nothing reached the upstream");
    }
}
