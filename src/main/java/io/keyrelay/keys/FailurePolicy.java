package io.keyrelay.keys;

/** SPEC §3's table: from a failure class and the key's status and setting to a {@link FailureDecision}. */
public final class FailurePolicy {

    public FailureDecision decide(FailureClass failure, PoolKey key, java.time.Instant now) {
        return switch (failure) {
            case SUCCESS -> new FailureDecision(failure, KeyAction.COUNT_USAGE, false);
            case QUOTA, PERMANENT_BLOCK -> new FailureDecision(failure, quotaAction(key, now), true);
            case RATE_LIMIT -> new FailureDecision(failure, KeyAction.MARK_RATE_LIMITED, true);
            case CREDENTIAL -> new FailureDecision(failure, KeyAction.ROTATE, true);
            case CLIENT_ERROR -> new FailureDecision(failure, KeyAction.NONE, false);
            case TRANSIENT -> new FailureDecision(failure, KeyAction.NONE, true);
        };
    }

    /** A failover-enabled key first moves to the failover endpoint; refused there too, it is rotated. */
    private static KeyAction quotaAction(PoolKey key, java.time.Instant now) {
        if (key.enableFailover() && !key.usesFailoverEndpoint(now)) {
            return KeyAction.MARK_USING_FAILOVER;
        }
        return KeyAction.ROTATE;
    }
}
