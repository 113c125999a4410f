package io.keyrelay.insight;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests waiting to be written to the log, at most {@code capacity} of them. Adding never blocks nor fails: when
 * the queue is full the request is dropped and counted, so a slow or absent database costs the proxy nothing.
 */
public final class RequestLog {
    /** Logs nothing (the log is switched off); everything offered is simply forgotten, not counted as dropped. */
    public static final RequestLog OFF = new RequestLog(0);

    private final int capacity;
    private final ConcurrentLinkedQueue<RequestRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();

    public RequestLog(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
    }

    public boolean enabled() {
        return capacity > 0;
    }

    /** Queues a request for the log; false (and counted) when the queue is full. */
    public boolean offer(RequestRecord request) {
        if (capacity == 0) {
            return false;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.increment();
            return false;
        }
        queue.add(request);
        return true;
    }

    /** Moves up to {@code max} queued requests, oldest first, to {@code into}; returns how many. */
    public int drainTo(List<RequestRecord> into, int max) {
        int n = 0;
        RequestRecord r;
        while (n < max && (r = queue.poll()) != null) {
            size.decrementAndGet();
            into.add(r);
            n++;
        }
        return n;
    }

    /** Requests that were lost: the queue was full, or their batch could not be written. */
    public void countDropped(int requests) {
        dropped.add(requests);
    }

    public long dropped() {
        return dropped.sum();
    }

    public int queued() {
        return size.get();
    }
}
