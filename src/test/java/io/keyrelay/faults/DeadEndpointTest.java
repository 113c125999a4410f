package io.keyrelay.faults;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyStatus;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key whose endpoint keeps failing (5xx, no connection, no answer) is no longer picked after five failures in a row:
 * its breaker keeps it out for 30 s, then one request tries it; a failed trial doubles the wait, an answer closes the
 * breaker. The admin API and the metrics show it; the key is never rotated for it. Real sockets, injected time.
 */
class DeadEndpointTest {
    private static final String BODY = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":false}";
    private static final String DOWN = "{\"error\":{\"message\":\"bad gateway\"}}";

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.now());
    private RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of(), FakeUpstream.start(), clock);
        relay.addKey("dead", false);
        relay.addKey("good", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private void serve(int requests) {
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> r = relay.post("/v1/messages", BODY);
            assertEquals(200, r.statusCode(), "another key serves it: " + r.body());
        }
    }

    private long attemptsOn(String id) {
        return relay.upstream.received().stream().filter(r -> r.apiKey().equals(apiKeyOf(id))).count();
    }

    @Test
    void aKeyFailingFiveTimesInARowIsLeftOutThenTriedByOneRequestAndBackOnceItAnswers() {
        relay.upstream.always(key(apiKeyOf("dead")), status(502, DOWN));

        serve(30);

        assertEquals(5, attemptsOn("dead"), "picked until five failures in a row, then left out");
        JsonObject breaker = breakerOf("dead");
        assertEquals("primary", breaker.getString("endpoint"));
        assertEquals("open", breaker.getString("state"));
        assertEquals(5, breaker.getInteger("failures"));
        assertTrue(metrics().contains("keyrelay_breakers_open 1.0"), metrics());
        assertTrue(metrics().contains("keyrelay_breakers_opened_total 1.0"), metrics());

        clock.advance(Duration.ofSeconds(30));
        serve(10);
        assertEquals(6, attemptsOn("dead"), "one request tried it again, and it failed");
        assertEquals(Instant.parse(breakerOf("dead").getString("openUntil")), clock.instant().plusSeconds(60),
                "a failed trial doubles the wait");

        relay.upstream.clear(); // it answers again (what it received so far is forgotten too)
        clock.advance(Duration.ofSeconds(60));
        serve(10);
        assertTrue(attemptsOn("dead") >= 4, "back in the rotation once its trial was answered: " + attemptsOn("dead"));
        assertTrue(breakers("dead").isEmpty(), breakers("dead").encode());
        assertTrue(metrics().contains("keyrelay_breakers_open 0.0"), metrics());

        relay.awaitStateWrites();
        assertEquals(KeyStatus.HEALTHY, relay.services().keys().find("dead").orElseThrow().status(), "never rotated");
        assertTrue(relay.services().backupKeys().loadAll().isEmpty());
    }

    @Test
    void connectionsRefusedCountAsFailuresToo() {
        relay.upstream.always(key(apiKeyOf("dead")), FakeUpstream.resetBeforeHeaders());

        serve(20);

        JsonObject breaker = breakerOf("dead");
        assertEquals("open", breaker.getString("state"));
        assertEquals(5, breaker.getInteger("failures"));
        long attempts = attemptsOn("dead");
        serve(10);
        assertEquals(attempts, attemptsOn("dead"), "not picked while its breaker is open");
    }

    private JsonArray breakers(String id) {
        JsonArray keys = new JsonObject(admin("/admin/ohmygpt/keys")).getJsonArray("keys");
        for (int i = 0; i < keys.size(); i++) {
            if (keys.getJsonObject(i).getString("id").equals(id)) {
                return keys.getJsonObject(i).getJsonArray("breakers");
            }
        }
        throw new AssertionError("no key " + id);
    }

    private JsonObject breakerOf(String id) {
        JsonArray b = breakers(id);
        assertEquals(1, b.size(), b.encode());
        return b.getJsonObject(0);
    }

    private String admin(String path) {
        return get(path, "Bearer " + RelayFixture.ADMIN_TOKEN);
    }

    private String metrics() {
        return get("/metrics", null);
    }

    private String get(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("authorization", authorization);
        }
        try {
            HttpResponse<String> r = relay.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
