package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every row and column of SPEC §3's table. */
class FailurePolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final FailurePolicy policy = new FailurePolicy();

    @ParameterizedTest(name = "{0} on {1} key with enableFailover={2} -> {3}, retry={4}")
    @CsvSource({
            "SUCCESS,         HEALTHY,        false, COUNT_USAGE,         false",
            "SUCCESS,         USING_FAILOVER, true,  COUNT_USAGE,         false",
            "QUOTA,           HEALTHY,        false, ROTATE,              true",
            "QUOTA,           HEALTHY,        true,  MARK_USING_FAILOVER, true",
            "QUOTA,           USING_FAILOVER, true,  ROTATE,              true",
            "QUOTA,           USING_FAILOVER, false, ROTATE,              true",
            "PERMANENT_BLOCK, HEALTHY,        false, ROTATE,              true",
            "PERMANENT_BLOCK, HEALTHY,        true,  MARK_USING_FAILOVER, true",
            "PERMANENT_BLOCK, USING_FAILOVER, true,  ROTATE,              true",
            "RATE_LIMIT,      HEALTHY,        false, MARK_RATE_LIMITED,   true",
            "RATE_LIMIT,      HEALTHY,        true,  MARK_RATE_LIMITED,   true",
            "RATE_LIMIT,      USING_FAILOVER, true,  MARK_RATE_LIMITED,   true",
            "CREDENTIAL,      HEALTHY,        false, ROTATE,              true",
            "CREDENTIAL,      HEALTHY,        true,  ROTATE,              true",
            "CREDENTIAL,      USING_FAILOVER, true,  ROTATE,              true",
            "CLIENT_ERROR,    HEALTHY,        false, NONE,                false",
            "CLIENT_ERROR,    HEALTHY,        true,  NONE,                false",
            "CLIENT_ERROR,    USING_FAILOVER, true,  NONE,                false",
            "TRANSIENT,       HEALTHY,        false, NONE,                true",
            "TRANSIENT,       HEALTHY,        true,  NONE,                true",
            "TRANSIENT,       USING_FAILOVER, true,  NONE,                true",
    })
    void decidesAsTheSpecTableSays(FailureClass failure, KeyStatus status, boolean enableFailover,
                                   KeyAction action, boolean retry) {
        KeyState state = status == KeyStatus.USING_FAILOVER ? KeyState.usingFailover() : KeyState.healthy();
        PoolKey key = PoolKey.fresh("k1", "sk-0123456789abcdef", enableFailover, null, NOW).withState(state, NOW);

        FailureDecision decision = policy.decide(failure, key, NOW);

        assertEquals(action, decision.action());
        assertEquals(retry, decision.retry());
    }

    @ParameterizedTest(name = "a key rate-limited while resting in {0}, cooldown over, on quota -> {1}")
    @CsvSource({"HEALTHY, MARK_USING_FAILOVER", "USING_FAILOVER, ROTATE"})
    void aKeyWhoseCooldownEndedIsJudgedByTheStatusItReturnsTo(KeyStatus resume, KeyAction expected) {
        KeyState limited = new KeyState(KeyStatus.RATE_LIMITED, NOW.minusSeconds(1), resume, "rate limited");
        PoolKey key = PoolKey.fresh("k1", "sk-0123456789abcdef", true, null, NOW).withState(limited, NOW);

        assertEquals(expected, policy.decide(FailureClass.QUOTA, key, NOW).action());
    }
}
