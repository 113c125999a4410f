package io.keyrelay.proxy;

import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;

/**
 * The timeouts of the exchanges on one event loop (first byte, stream idle), checked by one periodic timer instead
 * of a timer per request: setting and cancelling timers was a visible share of a small request's cost. A deadline
 * fires at most one tick late; the tick is a quarter of the shortest timeout, between 10 ms and 1 s. Used only on
 * its event loop.
 */
final class Deadlines {
    private final Set<Deadline> active = new HashSet<>();

    /** One timeout: {@code onExpiry} runs on the event loop once it passes, unless cancelled first. */
    final class Deadline {
        private final long durationNanos;
        private final Runnable onExpiry;
        private long dueNanos;

        private Deadline(long durationMs, Runnable onExpiry) {
            this.durationNanos = durationMs * 1_000_000L;
            this.onExpiry = onExpiry;
            restart();
        }

        /** Starts the duration again from now (the stream showed activity). */
        void restart() {
            dueNanos = System.nanoTime() + durationNanos;
        }

        void cancel() {
            active.remove(this);
        }
    }

    Deadlines(Vertx vertx, long shortestTimeoutMs) {
        long tick = Math.max(10, Math.min(1_000, shortestTimeoutMs / 4));
        vertx.setPeriodic(tick, id -> check());
    }

    Deadline start(long durationMs, Runnable onExpiry) {
        Deadline d = new Deadline(durationMs, onExpiry);
        active.add(d);
        return d;
    }

    private void check() {
        if (active.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Deadline d : active.toArray(new Deadline[0])) {
            if (now - d.dueNanos >= 0 && active.remove(d)) {
                d.onExpiry.run();
            }
        }
    }
}
