package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RotationBrakeTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final RotationBrake brake = new RotationBrake(3, clock);

    @Test
    void aRequestThatRotatedOnceRotatesNoMore() {
        assertEquals(RotationBrake.Hold.NONE, brake.check(false));
        assertEquals(RotationBrake.Hold.ONE_PER_REQUEST, brake.check(true));
    }

    @Test
    void moreThanTheBurstWithinAMinuteIsPausedUntilTheOldestLeavesTheWindow() {
        for (int i = 0; i < 3; i++) {
            assertEquals(RotationBrake.Hold.NONE, brake.check(false));
            clock.advance(Duration.ofSeconds(10));
        }
        assertEquals(RotationBrake.Hold.BURST, brake.check(false));
        clock.advance(Duration.ofSeconds(30)); // the first rotation is now a minute old
        assertEquals(RotationBrake.Hold.NONE, brake.check(false));
        assertEquals(RotationBrake.Hold.BURST, brake.check(false));
    }

    @Test
    void aHeldBackRotationIsNotCounted() {
        RotationBrake one = new RotationBrake(1, clock);
        assertEquals(RotationBrake.Hold.NONE, one.check(false));
        assertEquals(RotationBrake.Hold.BURST, one.check(false));
        assertEquals(RotationBrake.Hold.BURST, one.check(false));
        clock.advance(RotationBrake.WINDOW);
        assertEquals(RotationBrake.Hold.NONE, one.check(false));
    }
}
