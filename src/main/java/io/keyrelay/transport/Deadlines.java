package io.keyrelay.transport;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The timeouts of the calls on one event loop (first byte, stream idle), all checked by one periodic tick rather than
 * a timer each: a deadline fires at most one tick late; the tick is a quarter of the shortest timeout, between
 * 10 ms and 1 s. Time comes from the injected ticker (nanoseconds). Used only on its event loop. The active
 * deadlines form a linked list through themselves.
 */
public final class Deadlines {
    private final LongSupplier ticker;
    private Deadline first;
    private Deadline last;

    /** Deadlines timed by {@code ticker}, checked when {@link #check()} is called. */
    public Deadlines(LongSupplier ticker) {
        this.ticker = ticker;
    }

    /** Deadlines on the system clock, checked by a periodic timer of the calling event loop. */
    public static Deadlines checkedEvery(Vertx vertx, long shortestTimeoutMs) {
        Deadlines deadlines = new Deadlines(System::nanoTime);
        long tick = Math.max(10, Math.min(1_000, shortestTimeoutMs / 4));
        vertx.setPeriodic(tick, id -> deadlines.check());
        return deadlines;
    }

    /** One timeout: {@code onExpiry} runs on the event loop once it passes, unless cancelled first. */
    public final class Deadline {
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
        public void restart() {
            dueNanos = ticker.getAsLong() + durationNanos;
        }

        public void cancel() {
            cancelled = true;
            unlink(this);
        }
    }

    /** Starts a deadline {@code durationMs} from now. */
    public Deadline start(long durationMs, Runnable onExpiry) {
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
    public int active() {
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

    /** Runs the expiry of every deadline that has passed. */
    public void check() {
        if (first == null) {
            return;
        }
        long now = ticker.getAsLong();
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
