package io.keyrelay.faults;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyStatus;
import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.ChildKeyRelay;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.keyrelay.support.TestStorage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KeyRelay in a child JVM on a database in this one; the database stops answering. Admin reads answer from memory,
 * marked stale (header and body); writes answer 503; a state change made meanwhile is written once the database is
 * back, and reads are fresh again.
 */
class AdminReadsDuringOutageTest {
    private static final String BODY = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":false}";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    @Test
    void readsAnswerFromMemoryMarkedStaleWritesAnswer503AndNothingIsLostWhenTheDatabaseReturns() throws Exception {
        try (MongoStorage database = TestStorage.open(Files.createDirectories(dir.resolve("db")));
             FakeUpstream upstream = FakeUpstream.start()) {
            Map<String, String> env = new HashMap<>(upstream.env());
            env.put("KEYRELAY_MONGODB_URI", database.embedded().connectionString());
            env.put("KEYRELAY_SYNC_INTERVAL", "500ms");
            try (ChildKeyRelay relay = ChildKeyRelay.start(Files.createDirectories(dir.resolve("relay")), env)) {
                port = relay.port();
                assertEquals(201, send("POST", "/admin/ohmygpt/keys", keyJson("k1")).statusCode());
                assertEquals(201, send("POST", "/admin/ohmygpt/keys", keyJson("k2")).statusCode());
                assertEquals(201, send("POST", "/admin/ohmygpt/backup-keys", keyJson("b1")).statusCode());
                String clientKey = new JsonObject(send("POST", "/admin/client-keys",
                        new JsonObject().put("name", "c").encode()).body()).getString("key");
                HttpResponse<String> fresh = send("GET", "/admin/ohmygpt/backup-keys", null);
                assertEquals(200, fresh.statusCode());
                assertFalse(fresh.headers().firstValue("X-KeyRelay-Stale").isPresent());

                database.embedded().stopListening();
                upstream.always(key(apiKeyOf("k1")), status(429, "{\"error\":{\"message\":\"slow down\"}}"));
                upstream.always(key(apiKeyOf("k2")), status(429, "{\"error\":{\"message\":\"slow down\"}}"));
                HttpResponse<String> proxied = proxy(clientKey);
                assertEquals(503, proxied.statusCode(), "both keys rate-limited during the outage: " + proxied.body());

                JsonObject keys = stale("/admin/ohmygpt/keys");
                JsonArray list = keys.getJsonArray("keys");
                assertEquals(2, list.size(), keys.encode());
                assertEquals("rate_limited", list.getJsonObject(0).getString("status"), "this instance's state, as it is now");
                assertFalse(keys.containsKey("staleAsOf"), "the pool in memory is current here");
                assertEquals(0, stale("/admin/ohmygpt/stats").getInteger("availableKeys"));
                assertEquals(1, stale("/admin/client-keys").getJsonArray("keys").size());
                JsonObject backups = stale("/admin/ohmygpt/backup-keys");
                assertEquals(1, backups.getJsonArray("keys").size(), backups.encode());
                assertTrue(backups.containsKey("staleAsOf"), "an answer read before the outage, and when");
                assertEquals(503, send("GET", "/admin/ohmygpt/events?offset=0&limit=10", null).statusCode(),
                        "a read never answered before has nothing to show");
                HttpResponse<String> write = send("POST", "/admin/ohmygpt/keys", keyJson("k3"));
                assertEquals(503, write.statusCode(), write.body());

                database.embedded().startListening();
                waitUntil(() -> send("GET", "/admin/ohmygpt/keys", null).headers().firstValue("X-KeyRelay-Stale").isEmpty(),
                        "reads are fresh again", Duration.ofSeconds(30));
                waitUntil(() -> database.keys().find("k1").orElseThrow().status() == KeyStatus.RATE_LIMITED,
                        "the state change made during the outage is written", Duration.ofSeconds(30));
                assertEquals(201, send("POST", "/admin/ohmygpt/keys", keyJson("k3")).statusCode());
            }
        }
    }

    private static String keyJson(String id) {
        return new JsonObject().put("id", id).put("apiKey", apiKeyOf(id)).encode();
    }

    private JsonObject stale(String path) {
        HttpResponse<String> r = send("GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        assertEquals("true", r.headers().firstValue("X-KeyRelay-Stale").orElse(null), path);
        JsonObject body = new JsonObject(r.body());
        assertEquals(Boolean.TRUE, body.getBoolean("stale"), path);
        return body;
    }

    private HttpResponse<String> proxy(String clientKey) {
        return exchange(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                .header("content-type", "application/json").header("authorization", "Bearer " + clientKey)
                .POST(HttpRequest.BodyPublishers.ofString(BODY)));
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("authorization", "Bearer " + RelayFixture.ADMIN_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        return exchange(b);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
