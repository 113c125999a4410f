package io.keyrelay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-event-loop timeouts: what expires runs once, what is cancelled never runs, a restart postpones. */
class DeadlinesTest {
    private long now = 1_000_000_000L;
    private final Deadlines deadlines = new Deadlines(() -> now);
    private final List<String> fired = new ArrayList<>();

    private void advanceAndCheck(long ms) {
        now += TimeUnit.MILLISECONDS.toNanos(ms);
        deadlines.check();
    }

    @Test
    void expiredDeadlinesRunOnceAndCancelledOnesNever() {
        deadlines.start(30, () -> fired.add("a"));
        Deadlines.Deadline b = deadlines.start(30, () -> fired.add("b"));
        deadlines.start(30, () -> fired.add("c"));
        deadlines.start(60_000, () -> fired.add("late"));
        b.cancel();
        b.cancel(); // twice is harmless

        advanceAndCheck(20);
        assertEquals(List.of(), fired, "nothing is due yet");
        advanceAndCheck(10);
        advanceAndCheck(10);
        advanceAndCheck(10); // several more checks: nothing runs twice
        assertEquals(List.of("a", "c"), fired);
        assertEquals(1, deadlines.active(), "only the long deadline is left");
    }

    @Test
    void anExpiryMayCancelAnotherDueInTheSameTick() {
        Deadlines.Deadline[] second = new Deadlines.Deadline[1];
        deadlines.start(20, () -> {
            fired.add("first");
            second[0].cancel();
            deadlines.start(20, () -> fired.add("started by first"));
        });
        second[0] = deadlines.start(20, () -> fired.add("second"));

        advanceAndCheck(20);
        assertEquals(List.of("first"), fired);
        advanceAndCheck(20);
        advanceAndCheck(20);
        assertEquals(List.of("first", "started by first"), fired);
        assertEquals(0, deadlines.active());
    }

    @Test
    void aRestartPostponesTheExpiry() {
        Deadlines.Deadline d = deadlines.start(150, () -> fired.add("idle"));
        for (int elapsed = 0; elapsed < 400; elapsed += 20) {
            advanceAndCheck(20);
            d.restart();
        }
        assertFalse(fired.contains("idle"), "kept alive by restarts for longer than its duration");
        advanceAndCheck(149);
        assertFalse(fired.contains("idle"), "not before its duration since the last restart");
        advanceAndCheck(1);
        assertTrue(fired.contains("idle"));
    }
}
