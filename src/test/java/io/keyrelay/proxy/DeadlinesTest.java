package io.keyrelay.proxy;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.OnContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-event-loop timeouts: what expires runs once, what is cancelled never runs, a restart postpones. */
class DeadlinesTest {
    private final Vertx vertx = Vertx.vertx();
    private final Context loop = vertx.getOrCreateContext();
    private final List<String> fired = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void expiredDeadlinesRunOnceAndCancelledOnesNever() throws Exception {
        Deadlines deadlines = onLoop(() -> new Deadlines(vertx, 40)); // ticks every 10 ms
        onLoop(() -> {
            deadlines.start(30, () -> fired.add("a"));
            Deadlines.Deadline b = deadlines.start(30, () -> fired.add("b"));
            deadlines.start(30, () -> fired.add("c"));
            deadlines.start(60_000, () -> fired.add("late"));
            b.cancel();
            b.cancel(); // twice is harmless
            return null;
        });
        waitUntil(() -> fired.size() >= 2, "two deadlines to expire");
        Thread.sleep(100); // several more ticks: nothing runs twice
        assertEquals(List.of("a", "c"), fired);
        assertEquals(1, (int) onLoop(deadlines::active), "only the long deadline is left");
    }

    @Test
    void anExpiryMayCancelAnotherDueInTheSameTick() throws Exception {
        Deadlines deadlines = onLoop(() -> new Deadlines(vertx, 40));
        onLoop(() -> {
            Deadlines.Deadline[] second = new Deadlines.Deadline[1];
            deadlines.start(20, () -> {
                fired.add("first");
                second[0].cancel();
                deadlines.start(20, () -> fired.add("started by first"));
            });
            second[0] = deadlines.start(20, () -> fired.add("second"));
            return null;
        });
        waitUntil(() -> fired.size() >= 2, "two deadlines to expire");
        Thread.sleep(100);
        assertEquals(List.of("first", "started by first"), fired);
        assertEquals(0, (int) onLoop(deadlines::active));
    }

    @Test
    void aRestartPostponesTheExpiry() throws Exception {
        Deadlines deadlines = onLoop(() -> new Deadlines(vertx, 40));
        Deadlines.Deadline d = onLoop(() -> deadlines.start(150, () -> fired.add("idle")));
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
        while (System.nanoTime() < until) {
            onLoop(() -> {
                d.restart();
                return null;
            });
            Thread.sleep(20);
        }
        assertFalse(fired.contains("idle"), "kept alive by restarts for longer than its duration");
        waitUntil(() -> fired.contains("idle"), "the idle deadline to expire");
        assertTrue(fired.contains("idle"));
    }

    private <T> T onLoop(Supplier<T> work) {
        return OnContext.call(loop, work);
    }
}
