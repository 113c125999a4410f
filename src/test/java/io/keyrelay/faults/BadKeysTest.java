package io.keyrelay.faults;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys that fail (SPEC §8 faults): clients pay nothing while any key works, and get a clean 503 when none does. */
class BadKeysTest {
    private static final String QUOTA = "{\"error\":{\"message\":\"Insufficient balance\"}}";
    private static final String[] ROUTES = {"/v1/messages", "/v1/chat/completions", "/chat/completions"};

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void keysAnswering429Or402Or401OnThirtyPercentOfThePoolCostClientsNothing() throws Exception {
        for (int i = 1; i <= 10; i++) {
            relay.addKey("k" + i, i % 2 == 0);
        }
        relay.addBackup("b1", false);
        relay.addBackup("b2", false);
        relay.upstream.always(key(apiKeyOf("k1")), status(429, "{\"error\":\"slow down\"}"));
        relay.upstream.always(key(apiKeyOf("k2")), status(402, QUOTA)); // on both endpoints: failover, then rotation
        relay.upstream.always(key(apiKeyOf("k3")), status(401, "{\"error\":\"invalid api key\"}"));

        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String route = ROUTES[i % ROUTES.length];
            boolean stream = i % 2 == 0;
            String body = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"stream\":" + stream + "}";
            answers.add(clients.submit(() -> relay.post(route, body)));
        }
        for (Future<HttpResponse<String>> answer : answers) {
            HttpResponse<String> r = answer.get();
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("Hello from"), r.body());
        }
        clients.shutdown();
        relay.awaitStateWrites();
        assertEquals(KeyStatus.RATE_LIMITED, relay.services().keys().find("k1").orElseThrow().status());
        assertTrue(relay.services().keys().find("k2").isEmpty(), "k2 rotated out");
        assertTrue(relay.services().keys().find("k3").isEmpty(), "k3 rotated out");
    }

    @Test
    void whenEveryKeyFailsClientsGet503WithRetryAfterWithinTheAttemptCap() {
        for (int i = 1; i <= 6; i++) {
            relay.addKey("k" + i, false);
        }
        relay.upstream.always(FakeUpstream.any(), status(429, "{\"error\":\"slow down\"}", Map.of("retry-after", "30")));

        HttpResponse<String> first = relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");
        assertEquals(503, first.statusCode());
        long retryAfter = Long.parseLong(first.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);
        assertEquals(4, relay.upstream.received().size(), "no more attempts than KEYRELAY_MAX_ATTEMPTS");

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");
            assertEquals(503, r.statusCode());
            assertTrue(r.headers().firstValue("retry-after").isPresent());
        }
        assertEquals(6, relay.upstream.received().size(), "later requests try only the two keys not yet cooling down");
    }

    @Test
    void whenEveryKeyIsExhaustedWithNoBackupLeftClientsGet503WithTheCooldownAsRetryAfter() {
        relay.addKey("k1", false);
        relay.upstream.always(FakeUpstream.any(), status(402, QUOTA));

        HttpResponse<String> r = relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");
        relay.awaitStateWrites();
        HttpResponse<String> later = relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");

        assertEquals(503, r.statusCode(), r.body());
        assertEquals(503, later.statusCode());
        long retryAfter = Long.parseLong(later.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter > 23 * 3600, "the exhausted cooldown, about a day: " + retryAfter);
        assertEquals(1, relay.upstream.received().size());
    }

    @Test
    void aSecondKeyFailingInTheSameRequestRestsAMinuteInsteadOfBeingExhaustedToo() {
        relay.addKey("k1", false);
        relay.addKey("k2", false);
        relay.upstream.always(FakeUpstream.any(), status(402, QUOTA));

        HttpResponse<String> r = relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");
        relay.awaitStateWrites();

        assertEquals(503, r.statusCode(), r.body());
        long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 60, "the resting key is back within a minute: " + retryAfter);
        List<KeyStatus> statuses = relay.services().keys().loadAll().stream().map(PoolKey::status).sorted().toList();
        assertEquals(List.of(KeyStatus.RATE_LIMITED, KeyStatus.EXHAUSTED), statuses);
        assertEquals(2, relay.upstream.received().size());
    }
}
