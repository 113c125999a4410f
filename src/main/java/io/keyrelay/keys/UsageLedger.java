package io.keyrelay.keys;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Usage counted in memory on the request path and drained in batches to the database, so serving a request never
 * waits for a write.
 */
public final class UsageLedger {
    private static final class Counter {
        final LongAdder tokens = new LongAdder();
        final LongAdder requests = new LongAdder();
        volatile Instant lastUsedAt;
    }

    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public void record(String id, long tokens, Instant at) {
        Counter c = counters.computeIfAbsent(id, k -> new Counter());
        c.tokens.add(tokens);
        c.requests.increment();
        c.lastUsedAt = at;
    }

    /** Adds tokens to a request already counted (usage that arrived at the end of a stream). */
    public void addTokens(String id, long tokens) {
        if (tokens > 0) {
            counters.computeIfAbsent(id, k -> new Counter()).tokens.add(tokens);
        }
    }

    /** Takes everything counted so far; counts arriving meanwhile stay for the next drain. */
    public Map<String, UsageDelta> drain() {
        Map<String, UsageDelta> out = new HashMap<>();
        for (Map.Entry<String, Counter> e : counters.entrySet()) {
            Counter c = e.getValue();
            long tokens = c.tokens.sumThenReset();
            long requests = c.requests.sumThenReset();
            if (tokens != 0 || requests != 0) {
                out.put(e.getKey(), new UsageDelta(tokens, requests, c.lastUsedAt));
            }
        }
        return out;
    }

    /** Puts a drained batch back (its write failed) so it is written with the next one. */
    public void restore(Map<String, UsageDelta> batch) {
        batch.forEach((id, d) -> {
            Counter c = counters.computeIfAbsent(id, k -> new Counter());
            c.tokens.add(d.tokens());
            c.requests.add(d.requests());
            if (c.lastUsedAt == null) {
                c.lastUsedAt = d.lastUsedAt();
            }
        });
    }

    /** What is counted but not yet written, for one id. */
    public UsageDelta pending(String id) {
        Counter c = counters.get(id);
        return c == null ? new UsageDelta(0, 0, null) : new UsageDelta(c.tokens.sum(), c.requests.sum(), c.lastUsedAt);
    }
}
