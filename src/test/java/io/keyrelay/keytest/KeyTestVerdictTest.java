package io.keyrelay.keytest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.FailurePolicy;
import io.keyrelay.keys.KeyAction;
import io.keyrelay.keys.KeyState;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict follows the proxy's policy: the key's own endpoint decides, unless its answer moves the key. */
class KeyTestVerdictTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final FailurePolicy POLICY = new FailurePolicy();

    private static PoolKey key(boolean enableFailover) {
        return PoolKey.fresh("k1", "sk-verdict-0123456789abcdef", enableFailover, null, NOW);
    }

    private static EndpointResult primary(FailureClass c) {
        return new EndpointResult(false, 200, c, 5, null);
    }

    private static EndpointResult failover(FailureClass c) {
        return new EndpointResult(true, 200, c, 5, null);
    }

    private static List<Object> judged(PoolKey key, FailureClass onPrimary, FailureClass onFailover) {
        KeyTestReport r = KeyTestVerdict.judge(key, primary(onPrimary),
                Optional.ofNullable(onFailover).map(KeyTestVerdictTest::failover), POLICY, NOW);
        return List.of(r.verdict(), r.action(), r.decidedByFailover() ? "failover" : "primary");
    }

    @Test
    void withoutFailoverThePrimaryAnswerDecides() {
        assertEquals(List.of(FailureClass.SUCCESS, KeyAction.COUNT_USAGE, "primary"), judged(key(false), FailureClass.SUCCESS, null));
        assertEquals(List.of(FailureClass.QUOTA, KeyAction.ROTATE, "primary"), judged(key(false), FailureClass.QUOTA, null));
        assertEquals(List.of(FailureClass.RATE_LIMIT, KeyAction.MARK_RATE_LIMITED, "primary"),
                judged(key(false), FailureClass.RATE_LIMIT, null));
        assertEquals(List.of(FailureClass.TRANSIENT, KeyAction.NONE, "primary"), judged(key(false), FailureClass.TRANSIENT, null));
    }

    @Test
    void aQuotaOrBanOnThePrimaryOfAFailoverKeyIsDecidedOnTheFailoverEndpoint() {
        assertEquals(List.of(FailureClass.SUCCESS, KeyAction.MARK_USING_FAILOVER, "failover"),
                judged(key(true), FailureClass.PERMANENT_BLOCK, FailureClass.SUCCESS));
        assertEquals(List.of(FailureClass.QUOTA, KeyAction.ROTATE, "failover"), judged(key(true), FailureClass.QUOTA, FailureClass.QUOTA));
        assertEquals(List.of(FailureClass.RATE_LIMIT, KeyAction.MARK_RATE_LIMITED, "failover"),
                judged(key(true), FailureClass.QUOTA, FailureClass.RATE_LIMIT));
        assertEquals(List.of(FailureClass.TRANSIENT, KeyAction.MARK_USING_FAILOVER, "failover"),
                judged(key(true), FailureClass.QUOTA, FailureClass.TRANSIENT));
        assertEquals(List.of(FailureClass.CREDENTIAL, KeyAction.ROTATE, "primary"),
                judged(key(true), FailureClass.CREDENTIAL, FailureClass.SUCCESS), "a 401 is not moved: it is replaced");
    }

    @Test
    void aKeyOnTheFailoverEndpointOrReturningThereIsJudgedThere() {
        PoolKey using = key(true).withState(KeyState.usingFailover(), NOW);
        assertEquals(List.of(FailureClass.QUOTA, KeyAction.ROTATE, "failover"), judged(using, FailureClass.SUCCESS, FailureClass.QUOTA));
        PoolKey cooling = key(true).withState(new KeyState(KeyStatus.RATE_LIMITED, NOW.plusSeconds(60), KeyStatus.USING_FAILOVER,
                "429"), NOW);
        assertEquals(List.of(FailureClass.SUCCESS, KeyAction.COUNT_USAGE, "failover"),
                judged(cooling, FailureClass.QUOTA, FailureClass.SUCCESS), "back to the failover endpoint after its cooldown");
        PoolKey exhausted = key(false).withState(new KeyState(KeyStatus.EXHAUSTED, NOW.plusSeconds(3600), KeyStatus.HEALTHY,
                "none left"), NOW);
        assertEquals(List.of(FailureClass.SUCCESS, KeyAction.COUNT_USAGE, "primary"), judged(exhausted, FailureClass.SUCCESS, null));
    }

    @Test
    void everyClassAndActionHasOneName() {
        assertEquals(List.of("ok", "quota", "banned", "rate_limited", "invalid_key", "client_error", "transient"),
                java.util.Arrays.stream(FailureClass.values()).map(KeyTestReport::name).toList());
        assertEquals(List.of("none", "none", "use_failover", "cool_down", "rotate", "cool_down"),
                java.util.Arrays.stream(KeyAction.values()).map(KeyTestReport::name).toList());
    }
}
