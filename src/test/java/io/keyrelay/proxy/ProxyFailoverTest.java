package io.keyrelay.proxy;

import static io.keyrelay.support.FakeUpstream.Side.FAILOVER;
import static io.keyrelay.support.FakeUpstream.Side.PRIMARY;
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
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Seed item 21 through the real proxy, for both APIs, streaming and not. */
class ProxyFailoverTest {
    private static final String QUOTA = "{\"error\":{\"message\":\"Insufficient balance, please recharge\"}}";

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

    static List<ProxyRoute> routes() {
        return ProxyRoute.all().toList();
    }

    private HttpResponse<String> call(ProxyRoute route) {
        return relay.post(route.path(), route.body());
    }

    private static void assertAnsweredBy(FakeUpstream.Side side, HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains(FakeUpstream.answerText(side)), "answered by " + side + ": " + response.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void healthyFailoverKeyOn402SwitchesToTheFailoverEndpointAndTheClientStillGetsItsAnswer(ProxyRoute route) {
        relay.addKey("k1", true);
        relay.upstream.on(key(apiKeyOf("k1")).and(FakeUpstream.side(PRIMARY)), 1, status(402, QUOTA));

        HttpResponse<String> response = call(route);

        assertAnsweredBy(FAILOVER, response);
        assertEquals(KeyStatus.USING_FAILOVER, relay.services().pool().get("k1").orElseThrow().status());
        relay.awaitStateWrites();
        PoolKey stored = relay.services().keys().find("k1").orElseThrow();
        assertEquals(KeyStatus.USING_FAILOVER, stored.status());
        assertEquals("Switched to backup endpoint", stored.lastError());
        List<FakeUpstream.Received> seen = relay.upstream.received();
        assertEquals(List.of(PRIMARY, FAILOVER), seen.stream().map(FakeUpstream.Received::side).toList());
        assertTrue(seen.get(1).path().endsWith(route.dialect() == io.keyrelay.upstream.Dialect.ANTHROPIC
                ? "/v1/messages" : "/chat/completions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void keyRefusedAgainOnTheFailoverEndpointIsRotatedAndTheNewKeyInheritsFailoverFromTheFailedKey(ProxyRoute route) {
        relay.addKey("k1", true);
        relay.addBackup("b1", false);
        relay.upstream.always(key(apiKeyOf("k1")), status(402, QUOTA));

        HttpResponse<String> response = call(route);

        assertAnsweredBy(PRIMARY, response);
        relay.awaitStateWrites();
        assertTrue(relay.services().keys().find("k1").isEmpty(), "failed key removed");
        PoolKey replacement = relay.services().keys().find("b1").orElseThrow();
        assertEquals(KeyStatus.HEALTHY, replacement.status());
        assertEquals("k1", replacement.replacedKey());
        assertTrue(replacement.enableFailover(), "inherited from the failed key");
        BackupKey used = relay.services().backupKeys().find("b1").orElseThrow();
        assertTrue(used.isUsed());
        assertTrue(used.activated());
        assertEquals("k1", used.usedFor());
        assertEquals(List.of(PRIMARY, FAILOVER, PRIMARY),
                relay.upstream.received().stream().map(FakeUpstream.Received::side).toList());
        assertEquals(apiKeyOf("b1"), relay.upstream.received().get(2).apiKey());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void rotatedKeyInheritsFailoverFromTheBackupKey(ProxyRoute route) {
        relay.addKey("k1", false);
        relay.addBackup("b1", true);
        relay.upstream.always(key(apiKeyOf("k1")), status(402, QUOTA));

        assertAnsweredBy(PRIMARY, call(route));

        relay.awaitStateWrites();
        assertTrue(relay.services().keys().find("b1").orElseThrow().enableFailover());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void nonFailoverKeyOn402IsRotatedStraightAway(ProxyRoute route) {
        relay.addKey("k1", false);
        relay.addBackup("b1", false);
        relay.upstream.always(key(apiKeyOf("k1")), status(402, QUOTA));

        assertAnsweredBy(PRIMARY, call(route));

        relay.awaitStateWrites();
        assertEquals(List.of(PRIMARY, PRIMARY), relay.upstream.received().stream().map(FakeUpstream.Received::side).toList());
        assertFalse(relay.services().keys().find("b1").orElseThrow().enableFailover());
        assertTrue(relay.services().keys().find("k1").isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void rateLimitedKeyCoolsDownForItsRetryAfterAndAnotherKeyServes(ProxyRoute route) {
        relay.addKey("k1", true);
        relay.addKey("k2", true);
        relay.upstream.always(key(apiKeyOf("k1")), status(429, "{\"error\":{\"message\":\"rate limit\"}}", Map.of("retry-after", "90")));

        for (int i = 0; i < 3; i++) {
            assertAnsweredBy(PRIMARY, call(route));
        }

        PoolKey k1 = relay.services().pool().get("k1").orElseThrow();
        assertEquals(KeyStatus.RATE_LIMITED, k1.status());
        long cooldown = java.time.Duration.between(relay.services().clock().instant(), k1.cooldownUntil()).toSeconds();
        assertTrue(cooldown > 80 && cooldown <= 90, "Retry-After honoured: " + cooldown);
        assertEquals(1, relay.upstream.received().stream().filter(r -> r.apiKey().equals(apiKeyOf("k1"))).count(),
                "a cooling key is not tried again");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void bannedKeyMovesToTheFailoverEndpoint(ProxyRoute route) {
        relay.addKey("k1", true);
        relay.upstream.on(key(apiKeyOf("k1")).and(FakeUpstream.side(PRIMARY)), 1,
                status(429, "{\"error\":{\"message\":\"This key has been banned\"}}"));

        assertAnsweredBy(FAILOVER, call(route));
        assertEquals(KeyStatus.USING_FAILOVER, relay.services().pool().get("k1").orElseThrow().status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void rejectedCredentialIsRotatedEvenWithFailoverEnabled(ProxyRoute route) {
        relay.addKey("k1", true);
        relay.addBackup("b1", false);
        relay.upstream.always(key(apiKeyOf("k1")), status(401, "{\"error\":{\"message\":\"invalid key\"}}"));

        assertAnsweredBy(PRIMARY, call(route));
        relay.awaitStateWrites();
        assertTrue(relay.services().keys().find("k1").isEmpty());
        assertTrue(relay.services().keys().find("b1").orElseThrow().enableFailover());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void resetSendsAFailoverKeyBackToThePrimaryEndpoint(ProxyRoute route) {
        relay.addKey("k1", true);
        relay.upstream.on(key(apiKeyOf("k1")).and(FakeUpstream.side(PRIMARY)), 1, status(402, QUOTA));
        assertAnsweredBy(FAILOVER, call(route));
        relay.awaitStateWrites();

        PoolKey reset = relay.services().administration().reset("k1").orElseThrow();

        assertEquals(KeyStatus.HEALTHY, reset.status());
        assertTrue(reset.enableFailover());
        assertAnsweredBy(PRIMARY, call(route));
    }
}
