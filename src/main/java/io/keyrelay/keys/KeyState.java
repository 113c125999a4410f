package io.keyrelay.keys;

import java.time.Instant;

/** The part of a pool key that state transitions change. */
public record KeyState(KeyStatus status, Instant cooldownUntil, KeyStatus resumeStatus, String lastError) {

    public static KeyState healthy() {
        return new KeyState(KeyStatus.HEALTHY, null, KeyStatus.HEALTHY, null);
    }

    public static KeyState usingFailover() {
        return new KeyState(KeyStatus.USING_FAILOVER, null, KeyStatus.USING_FAILOVER, "Switched to backup endpoint");
    }
}
