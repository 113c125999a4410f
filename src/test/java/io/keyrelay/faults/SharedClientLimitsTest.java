package io.keyrelay.faults;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.app.KeyRelay;
import io.keyrelay.clients.BudgetPeriod;
import io.keyrelay.clients.ClientKeyControls;
import io.keyrelay.clients.ModelPatterns;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.RelayFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one database share a client key's requests-per-minute limit (SPEC §5a: within 10 % of it
 * together), through leases claimed off the request path; with the database down each grants itself its share.
 */
class SharedClientLimitsTest {
    private static final String BODY = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[]}";
    private static final int LIMIT = 100;

    @TempDir
    Path dataDir;
    MutableClock clock = MutableClock.startingAt("2026-12-06T03:00:05Z");
    RelayFixture a;
    KeyRelay b;
    String secret;

    @BeforeEach
    void start() {
        Map<String, String> shared = Map.of("KEYRELAY_SYNC_INTERVAL", "200ms", "KEYRELAY_USAGE_FLUSH_INTERVAL", "100ms",
                "KEYRELAY_HEARTBEAT_INTERVAL", "200ms", "KEYRELAY_PEER_STALE_AFTER", "5s",
                "KEYRELAY_HEALTH_CHECK_INTERVAL", "200ms");
        Map<String, String> env = new HashMap<>(shared);
        env.put("KEYRELAY_INSTANCE_ID", "relay-a");
        a = RelayFixture.start(dataDir, env, FakeUpstream.start(), clock);
        b = a.startPeer("relay-b", shared, clock);
        a.addKey("k1", false);
        secret = a.services().clientKeys().create("shared", new ClientKeyControls(LIMIT, 0, 0, BudgetPeriod.TOTAL, null,
                ModelPatterns.ANY)).secret();
        waitUntil(() -> b.services().pool().get("k1").isPresent() && b.services().clientKeys().inMemory().size() == 2,
                "B loads the pool key and the client key");
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        a.close();
    }

    private int send(String baseUrl) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/messages"))
                .header("authorization", "Bearer " + secret).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        try {
            return a.http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Sends {@code count} requests, alternating between the instances from 8 clients; the 200s per instance. */
    private int[] burst(int count) throws Exception {
        String[] urls = {a.baseUrl(), "http://127.0.0.1:" + b.port()};
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String url = urls[i % 2];
                statuses.add(clients.submit(() -> send(url)));
            }
            int[] ok = new int[2];
            for (int i = 0; i < statuses.size(); i++) {
                int status = statuses.get(i).get();
                assertTrue(status == 200 || status == 429, "status " + status);
                if (status == 200) {
                    ok[i % 2]++;
                }
            }
            return ok;
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void bothInstancesTogetherAdmitTheLimitWithinTenPercent() throws Exception {
        waitUntil(() -> a.services().clientKeys().liveInstances() == 2 && b.services().clientKeys().liveInstances() == 2,
                "each instance sees the other alive");
        int[] ok = burst(3 * LIMIT);

        int total = ok[0] + ok[1];
        assertTrue(total >= LIMIT * 0.9 && total <= LIMIT * 1.1, "admitted " + ok[0] + " + " + ok[1]);
        assertTrue(ok[0] > 0 && ok[1] > 0, "both instances served: " + ok[0] + " + " + ok[1]);

        clock.advance(Duration.ofMinutes(1));
        int[] next = burst(LIMIT / 2);
        assertTrue(next[0] + next[1] >= LIMIT / 2 * 0.9, "a new minute, a new limit: " + next[0] + " + " + next[1]);
    }

    @Test
    void withTheDatabaseDownEachInstanceGrantsItselfItsShare() throws Exception {
        waitUntil(() -> a.services().clientKeys().liveInstances() == 2 && b.services().clientKeys().liveInstances() == 2,
                "each instance sees the other alive");
        a.services().storage().embedded().stopListening();
        try {
            waitUntil(() -> !a.services().operations().readiness().databaseReachable()
                    && !b.services().operations().readiness().databaseReachable(), "both notice the outage");
            clock.advance(Duration.ofMinutes(1));
            int[] ok = burst(3 * LIMIT);

            assertTrue(ok[0] <= LIMIT / 2 + 1 && ok[1] <= LIMIT / 2 + 1, "each its half at most: " + ok[0] + " + " + ok[1]);
            assertTrue(ok[0] + ok[1] >= LIMIT * 0.9, "admitted " + ok[0] + " + " + ok[1]);
            assertTrue(a.services().clientKeys().limitFallbacks() > 0 && b.services().clientKeys().limitFallbacks() > 0,
                    "the fallback is counted (keyrelay_client_limit_fallbacks_total)");
        } finally {
            a.services().storage().embedded().startListening();
        }
    }
}
