package io.keyrelay.faults;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyEvent;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.storage.EmbeddedMongo;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away under load (SPEC §4, §8): the proxy keeps serving from memory, state changes and usage
 * wait, and once the database is back everything is written. The unit suite keeps the database down for about
 * three seconds of steady requests instead of the 60 s of the service level; the mechanism is the same.
 */
class DatabaseOutageTest {
    private static final String QUOTA = "{\"error\":{\"message\":\"Insufficient balance\"}}";
    private static final String[] BODIES = {
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":false}",
            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":true}"};
    private static final Duration OUTAGE = Duration.ofSeconds(3);

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void proxyServesThroughAnOutageAndEveryStateChangeAndUsageIsWrittenWhenTheDatabaseReturns() {
        relay = RelayFixture.start(dataDir, Map.of(
                "KEYRELAY_SYNC_INTERVAL", "200ms",
                "KEYRELAY_USAGE_FLUSH_INTERVAL", "100ms",
                "KEYRELAY_HEALTH_CHECK_INTERVAL", "100ms"));
        for (String id : List.of("k1", "k2", "k3", "k4", "k5", "k6")) {
            relay.addKey(id, false);
        }
        relay.addBackup("b1", false);
        relay.addBackup("b2", false);
        relay.upstream.always(key(apiKeyOf("k1")).or(key(apiKeyOf("k2"))), status(402, QUOTA));
        relay.upstream.always(key(apiKeyOf("k3")), status(429, "{\"error\":\"slow down\"}", Map.of("retry-after", "600")));
        EmbeddedMongo db = relay.services().storage().embedded();

        db.stopListening();
        waitUntil(() -> get("/readyz").statusCode() == 503, "/readyz reports the outage");
        assertTrue(new JsonObject(get("/readyz").body()).getString("reason").contains("database unreachable"));

        int served = 0;
        long end = System.nanoTime() + OUTAGE.toNanos();
        for (int i = 0; i < 500 && System.nanoTime() < end; i++) {
            HttpResponse<String> r = relay.post("/v1/messages", BODIES[i % 2]);
            assertEquals(200, r.statusCode(), "request " + i + " during the outage: " + r.body());
            served++;
            pause(5);
        }
        assertTrue(relay.services().writer().queued() > 0, "state changes wait for the database");
        assertEquals(KeyStatus.RATE_LIMITED, relay.services().pool().get("k3").orElseThrow().status(), "applied in memory at once");

        db.startListening();
        waitUntil(() -> get("/readyz").statusCode() == 200, "/readyz ready again");
        relay.awaitStateWrites();

        int requests = served;
        waitUntil(() -> storedRequests() == requests, "usage of all " + requests + " requests written");
        Map<String, PoolKey> stored = relay.services().keys().loadAll().stream()
                .collect(Collectors.toMap(PoolKey::id, k -> k));
        assertEquals(Set.of("b1", "b2", "k3", "k4", "k5", "k6"), stored.keySet(), "k1 and k2 rotated out, once each");
        assertEquals(KeyStatus.RATE_LIMITED, stored.get("k3").status());
        assertEquals(Set.of("k1", "k2"), Set.of(stored.get("b1").replacedKey(), stored.get("b2").replacedKey()));
        List<KeyEvent> events = relay.services().events().page(null, 0, 100);
        assertEquals(2, events.stream().filter(e -> e.reason().equals("rotated_out")).count());
        assertTrue(events.stream().anyMatch(e -> e.keyId().equals("k3") && "rate_limited".equals(e.to())));
        waitUntil(() -> relay.services().clientKeys().list().get(0).requestsCount() == requests,
                "client key usage written");
    }

    @Test
    void adminWritesAnswer503DuringTheOutageAndWorkAgainAfterIt() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_HEALTH_CHECK_INTERVAL", "100ms"));
        EmbeddedMongo db = relay.services().storage().embedded();

        db.stopListening();
        HttpResponse<String> during = adminPost("/admin/ohmygpt/keys", "{\"id\":\"during\",\"apiKey\":\"" + apiKeyOf("during") + "\"}");
        assertEquals(503, during.statusCode(), during.body());
        assertTrue(during.headers().firstValue("retry-after").isPresent());

        db.startListening();
        waitUntil(() -> get("/readyz").statusCode() == 200, "/readyz ready again");
        HttpResponse<String> after = adminPost("/admin/ohmygpt/keys", "{\"id\":\"after\",\"apiKey\":\"" + apiKeyOf("after") + "\"}");
        assertEquals(201, after.statusCode(), after.body());
        assertTrue(relay.services().keys().find("after").isPresent());
        assertTrue(relay.services().keys().find("during").isEmpty(), "a write answered 503 changed nothing");
    }

    private HttpResponse<String> adminPost(String path, String json) {
        try {
            return relay.http().send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
                    .header("authorization", "Bearer " + RelayFixture.ADMIN_TOKEN).header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long storedRequests() {
        return relay.services().keys().loadAll().stream().mapToLong(PoolKey::requestsCount).sum();
    }

    private HttpResponse<String> get(String path) {
        try {
            return relay.http().send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
