package io.keyrelay.proxy;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeouts of the exchanges on one event loop (first byte, stream idle), checked by one periodic timer instead
 * of a timer per request: setting and cancelling timers was a visible share of a small request's cost. A deadline
 * fires at most one tick late; the tick is a quarter of the shortest timeout, between 10 ms and 1 s. Used only on
 * its event loop. The active deadlines form a linked list through themselves, so starting and cancelling one
 * allocates nothing beyond it and hashes nothing.
 */
final class Deadlines {
    private Deadline first;
    private Deadline last;

    /** One timeout: {@code onExpiry} runs on the event loop once it passes, unless cancelled first. */
    final class Deadline {
        private final long durationNanos;
        private final Runnable onExpiry;
        private long dueNanos;
        private Deadline previous;
        private Deadline next;
        private boolean linked;
        private boolean cancelled;

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
            cancelled = true;
            unlink(this);
        }
    }

    Deadlines(Vertx vertx, long shortestTimeoutMs) {
        long tick = Math.max(10, Math.min(1_000, shortestTimeoutMs / 4));
        vertx.setPeriodic(tick, id -> check());
    }

    Deadline start(long durationMs, Runnable onExpiry) {
        Deadline d = new Deadline(durationMs, onExpiry);
        d.previous = last;
        if (last == null) {
            first = d;
        } else {
            last.next = d;
        }
        last = d;
        d.linked = true;
        return d;
    }

    /** How many deadlines are running. */
    int active() {
        int n = 0;
        for (Deadline d = first; d != null; d = d.next) {
            n++;
        }
        return n;
    }

    private void unlink(Deadline d) {
        if (!d.linked) {
            return;
        }
        d.linked = false;
        if (d.previous == null) {
            first = d.next;
        } else {
            d.previous.next = d.next;
        }
        if (d.next == null) {
            last = d.previous;
        } else {
            d.next.previous = d.previous;
        }
        d.previous = null;
        d.next = null;
    }

    private void check() {
        if (first == null) {
            return;
        }
        long now = System.nanoTime();
        List<Deadline> expired = null;
        for (Deadline d = first; d != null; ) {
            Deadline following = d.next;
            if (now - d.dueNanos >= 0) {
                unlink(d);
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(d);
            }
            d = following;
        }
        if (expired != null) {
            for (Deadline d : expired) {
                if (!d.cancelled) { // an earlier expiry of this tick may have cancelled it
                    d.onExpiry.run();
                }
            }
        }
    }
}
