package io.keyrelay.insight;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.any;
import static io.keyrelay.support.FakeUpstream.side;
import static io.keyrelay.support.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request log (SPEC §5a): what each proxied request leaves in it, and how operators read it back. */
class RequestLogTest {
    private static final String MESSAGE = "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dataDir;
    RelayFixture relay;
    InsightApi admin;
    String clientKeyId;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir);
        admin = new InsightApi(relay);
        relay.addKey("k1", false);
        relay.addKey("k2", false);
        clientKeyId = relay.services().clientKeys().list().get(0).id();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private JsonArray logged(int expected) {
        waitUntil(() -> admin.ok("/admin/requests").getJsonArray("requests").size() >= expected,
                expected + " requests in the log");
        return admin.ok("/admin/requests").getJsonArray("requests");
    }

    @Test
    void aRequestIsLoggedWithEachAttemptItsTimesTokensAndInstance() {
        relay.upstream.on(any(), 1, status(429, "{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}"));

        assertEquals(200, relay.post("/v1/messages", MESSAGE).statusCode());

        JsonObject r = logged(1).getJsonObject(0);
        assertEquals("/v1/messages", r.getString("route"));
        assertEquals("claude-x", r.getString("model"));
        assertEquals(false, r.getBoolean("stream"));
        assertEquals(clientKeyId, r.getString("clientKeyId"));
        assertEquals(200, r.getInteger("status"));
        assertEquals("test-instance", r.getString("instance"));
        JsonArray attempts = r.getJsonArray("attempts");
        assertEquals(2, attempts.size(), attempts.encode());
        assertEquals(429, attempts.getJsonObject(0).getInteger("status"));
        assertEquals(200, attempts.getJsonObject(1).getInteger("status"));
        assertEquals("primary", attempts.getJsonObject(1).getString("endpoint"));
        assertTrue(Set.of("k1", "k2").contains(attempts.getJsonObject(0).getString("keyId")));
        assertTrue(!attempts.getJsonObject(0).getString("keyId").equals(attempts.getJsonObject(1).getString("keyId")),
                "the retry went to the other key");
        assertEquals(10L, r.getLong("inputTokens"));
        assertEquals(5L, r.getLong("outputTokens"));
        assertEquals(2L, r.getLong("cacheReadTokens"));
        assertEquals(3L, r.getLong("cacheWriteTokens"));
        assertTrue(r.getLong("firstByteMs") <= r.getLong("totalMs"), r.encode());
        assertTrue(Instant.parse(r.getString("at")).isAfter(Instant.now().minusSeconds(60)));
        assertNotNull(r.getString("id"));
    }

    @Test
    void aStreamIsLoggedAsOneWithTheTokensItsClientNeverAskedFor() {
        relay.post("/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}"));

        JsonObject r = logged(1).getJsonObject(0);
        assertEquals(true, r.getBoolean("stream"));
        assertEquals(200, r.getInteger("status"));
        assertEquals(10L, r.getLong("inputTokens"));
        assertEquals(5L, r.getLong("outputTokens"));
    }

    @Test
    void theFailoverEndpointAndTheModelOfAModelLookupAreLogged() {
        relay.services().administration().add("kf", RelayFixture.apiKeyOf("kf"), true);
        relay.services().administration().delete("k1");
        relay.services().administration().delete("k2");
        relay.upstream.on(side(FakeUpstream.Side.PRIMARY), 1, status(402, "{\"error\":{\"message\":\"insufficient quota\"}}"));

        assertEquals(200, relay.post("/v1/messages", MESSAGE).statusCode());
        JsonArray attempts = logged(1).getJsonObject(0).getJsonArray("attempts");
        assertEquals("primary", attempts.getJsonObject(0).getString("endpoint"));
        assertEquals(402, attempts.getJsonObject(0).getInteger("status"));
        assertEquals("failover", attempts.getJsonObject(attempts.size() - 1).getString("endpoint"));
    }

    @Test
    void nothingIsLoggedForRequestsWithoutAValidClientKey() throws Exception {
        assertEquals(401, relay.post("/v1/messages", MESSAGE, Map.of("authorization", "Bearer nope")).statusCode());
        relay.post("/v1/messages", MESSAGE);

        JsonArray all = logged(1);
        Thread.sleep(1_200); // one more write round: had the 401 been queued, it would be written by now
        assertEquals(1, admin.ok("/admin/requests").getJsonArray("requests").size(), all.encode());
    }

    @Test
    void requestsRefusedByKeyRelayItselfAreLoggedWithoutAttempts() {
        assertEquals(400, relay.post("/v1/messages", "{\"model\":").statusCode());

        JsonObject r = logged(1).getJsonObject(0);
        assertEquals(400, r.getInteger("status"));
        assertEquals(0, r.getJsonArray("attempts").size());
        assertNull(r.getString("model"));
    }

    @Test
    void filtersPickByClientKeyPoolKeyStatusModelAndTime() {
        Instant before = Instant.now().minusSeconds(1);
        relay.post("/v1/messages", MESSAGE);
        relay.post("/v1/chat/completions", CHAT);
        relay.upstream.on(any(), 1, status(400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"));
        assertEquals(400, relay.post("/v1/messages", MESSAGE).statusCode());
        JsonArray all = logged(3);

        assertEquals(1, admin.ok("/admin/requests?model=gpt-4o").getJsonArray("requests").size());
        assertEquals(1, admin.ok("/admin/requests?status=4xx").getJsonArray("requests").size());
        assertEquals(1, admin.ok("/admin/requests?status=400").getJsonArray("requests").size());
        assertEquals(2, admin.ok("/admin/requests?status=200").getJsonArray("requests").size());
        assertEquals(3, admin.ok("/admin/requests?clientKeyId=" + clientKeyId).getJsonArray("requests").size());
        assertEquals(0, admin.ok("/admin/requests?clientKeyId=someone-else").getJsonArray("requests").size());
        String servedBy = all.getJsonObject(0).getJsonArray("attempts").getJsonObject(0).getString("keyId");
        long withKey = all.stream().map(o -> (JsonObject) o).filter(o -> o.getJsonArray("attempts").stream()
                .anyMatch(a -> ((JsonObject) a).getString("keyId").equals(servedBy))).count();
        assertEquals(withKey, admin.ok("/admin/requests?keyId=" + servedBy).getJsonArray("requests").size());
        assertEquals(3, admin.ok("/admin/requests?from=" + q(before.toString())).getJsonArray("requests").size());
        assertEquals(0, admin.ok("/admin/requests?to=" + q(before.toString())).getJsonArray("requests").size());
    }

    @Test
    void theCursorWalksTheWholeLogNewestFirstWithoutRepeats() {
        for (int i = 0; i < 7; i++) {
            relay.post("/v1/messages", MESSAGE.replace("claude-x", "m" + i));
        }
        logged(7);

        List<String> models = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            JsonObject page = admin.ok("/admin/requests?limit=3" + (cursor == null ? "" : "&cursor=" + q(cursor)));
            page.getJsonArray("requests").forEach(o -> {
                models.add(((JsonObject) o).getString("model"));
                assertTrue(ids.add(((JsonObject) o).getString("id")), "no entry twice");
            });
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(List.of("m6", "m5", "m4", "m3", "m2", "m1", "m0"), models);
    }

    @Test
    void badFiltersGetTheUsual400WithEveryProblem() {
        InsightApi.Answer a = admin.get("/admin/requests?status=abc&cursor=zzz&limit=0&from=yesterday&color=red");

        assertEquals(400, a.status());
        assertEquals("Invalid input", a.json().getString("error"));
        Set<String> paths = new HashSet<>();
        a.json().getJsonArray("details").forEach(d -> paths.add(((JsonObject) d).getString("path")));
        assertEquals(Set.of("status", "cursor", "limit", "from", "color"), paths);
        assertEquals(400, admin.get("/admin/requests?from=2026-12-06T02:00:00Z&to=2026-12-06T01:00:00Z").status());
    }

    @Test
    void metricsCountWhatWasWrittenAndDropped() throws Exception {
        relay.post("/v1/messages", MESSAGE);
        logged(1);

        String metrics = relay.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(relay.baseUrl() + "/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("keyrelay_request_log_written_total 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_request_log_dropped_total 0.0"), metrics);
        assertTrue(metrics.contains("keyrelay_request_log_queued 0.0"), metrics);
    }

    @Test
    void theLogNeedsTheAdminToken() throws Exception {
        var r = relay.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(relay.baseUrl() + "/admin/requests"))
                .header("authorization", "Bearer " + relay.clientKey).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
