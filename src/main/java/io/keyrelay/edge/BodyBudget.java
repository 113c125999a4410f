package io.keyrelay.edge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies buffered at once, all event loops together, against a limit (SPEC §8): a body is
 * counted as it arrives and given back once its request is over, so that no number of clients sending large bodies
 * together can fill the heap. A body that does not fit is refused at once (503), not read.
 */
public final class BodyBudget {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public BodyBudget(long limit) {
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** Bytes held now. */
    public long held() {
        return held.get();
    }

    /** Whether {@code bytes} more would fit now; nothing is taken. */
    public boolean wouldFit(long bytes) {
        return held.get() + bytes <= limit;
    }

    /** Takes {@code bytes} if they fit; false (and nothing taken) when they do not. */
    public boolean take(long bytes) {
        long now;
        do {
            now = held.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!held.compareAndSet(now, now + bytes));
        return true;
    }

    public void giveBack(long bytes) {
        held.addAndGet(-bytes);
    }
}
