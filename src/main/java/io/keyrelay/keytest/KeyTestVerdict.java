package io.keyrelay.keytest;

import io.keyrelay.keys.FailureDecision;
import io.keyrelay.keys.FailurePolicy;
import io.keyrelay.keys.KeyAction;
import io.keyrelay.keys.KeyState;
import io.keyrelay.keys.PoolKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What KeyRelay would make of a key given its test results, by the proxy's own policy (SPEC §3): the answer of the
 * endpoint the key serves on decides; when that answer would move the key to the failover endpoint (quota or ban with
 * failover enabled), the failover endpoint's answer decides instead, as the proxy's retry there would.
 */
final class KeyTestVerdict {
    private KeyTestVerdict() {
    }

    /**
     * @param subject  the key as it is (a key cooling down is judged as it will serve once its cooldown ends)
     * @param failover the failover endpoint's result, if it was tested
     */
    static KeyTestReport judge(PoolKey subject, EndpointResult primary, Optional<EndpointResult> failover,
                               FailurePolicy policy, Instant now) {
        PoolKey serving = servingAgain(subject, now);
        List<EndpointResult> results = failover.map(f -> List.of(primary, f)).orElse(List.of(primary));
        EndpointResult home = serving.usesFailoverEndpoint(now) ? failover.orElse(primary) : primary;
        FailureDecision first = policy.decide(home.failureClass(), serving, now);
        if (first.action() != KeyAction.MARK_USING_FAILOVER || failover.isEmpty()) {
            return new KeyTestReport(results, home.failureClass(), first.action(), home.failover());
        }
        EndpointResult there = failover.get();
        FailureDecision then = policy.decide(there.failureClass(), serving.withState(KeyState.usingFailover(), now), now);
        boolean stays = then.action() == KeyAction.NONE || then.action() == KeyAction.COUNT_USAGE;
        return new KeyTestReport(results, there.failureClass(), stays ? KeyAction.MARK_USING_FAILOVER : then.action(), true);
    }

    /** The key as it serves: as it is, or once its cooldown has ended. */
    static PoolKey servingAgain(PoolKey key, Instant now) {
        if (key.status().servesRequests()) {
            return key;
        }
        return key.withState(new KeyState(key.resumeStatus(), null, key.resumeStatus(), null), now);
    }
}
