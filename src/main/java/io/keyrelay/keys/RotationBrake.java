package io.keyrelay.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Holds rotations back so that neither a fault nor an attack can empty the backup pool in seconds (SPEC §3): one
 * client request causes at most one rotation, and beyond {@code burst} rotations within a minute on this instance
 * further ones are paused. A held-back key is cooled for {@link #PAUSE} instead; if it still fails after that,
 * it is rotated then.
 */
public final class RotationBrake {
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration PAUSE = Duration.ofMinutes(1);

    /** Why a rotation is held back, if it is. */
    public enum Hold {
        NONE,
        /** The request has already caused a rotation. */
        ONE_PER_REQUEST,
        /** More than the burst limit of rotations within a minute. */
        BURST
    }

    private final int burst;
    private final Clock clock;
    private final ArrayDeque<Instant> recent = new ArrayDeque<>();

    public RotationBrake(int burst, Clock clock) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1");
        }
        this.burst = burst;
        this.clock = clock;
    }

    public int burst() {
        return burst;
    }

    /** Whether a rotation may go ahead now; when it may, it is counted. */
    public synchronized Hold check(boolean requestRotatedAlready) {
        if (requestRotatedAlready) {
            return Hold.ONE_PER_REQUEST;
        }
        Instant now = clock.instant();
        Instant windowStart = now.minus(WINDOW);
        while (!recent.isEmpty() && !recent.peekFirst().isAfter(windowStart)) {
            recent.pollFirst();
        }
        if (recent.size() >= burst) {
            return Hold.BURST;
        }
        recent.addLast(now);
        return Hold.NONE;
    }
}
