package io.keyrelay.insight;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Usage over time counted in memory as requests end, per hour and per pool key, client key and model, and drained
 * to the {@link UsageStore} with the usage flushes. Model names come from clients: past {@value #MAX_MODELS_PER_HOUR}
 * different ones in an hour, further names are counted as {@value #OTHER}, so no client can grow this without bound.
 */
public final class UsageBuckets {
    /** The name usage is counted under when a name cannot be kept. */
    public static final String OTHER = "(other)";
    static final int MAX_MODELS_PER_HOUR = 500;
    static final int MAX_NAME_LENGTH = 200;

    private static final class Counter {
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder input = new LongAdder();
        final LongAdder output = new LongAdder();
        final LongAdder cacheRead = new LongAdder();
        final LongAdder cacheWrite = new LongAdder();
    }

    private final ConcurrentHashMap<UsageBucket, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Instant, AtomicInteger> modelsPerHour = new ConcurrentHashMap<>();

    /** Counts a request that ended, under the key of its last attempt, its client key and its model. */
    public void record(RequestRecord r) {
        Instant hour = r.at().truncatedTo(ChronoUnit.HOURS);
        String key = r.lastKeyId();
        if (key != null) {
            add(new UsageBucket(hour, UsageDimension.KEY, key), r);
        }
        if (r.clientKeyId() != null) {
            add(new UsageBucket(hour, UsageDimension.CLIENT_KEY, r.clientKeyId()), r);
        }
        if (r.model() != null) {
            add(modelBucket(hour, r.model()), r);
        }
    }

    private UsageBucket modelBucket(Instant hour, String model) {
        UsageBucket bucket = new UsageBucket(hour, UsageDimension.MODEL,
                model.length() > MAX_NAME_LENGTH ? model.substring(0, MAX_NAME_LENGTH) : model);
        if (counters.containsKey(bucket)) {
            return bucket;
        }
        AtomicInteger seen = modelsPerHour.computeIfAbsent(hour, h -> new AtomicInteger());
        return seen.incrementAndGet() <= MAX_MODELS_PER_HOUR ? bucket : new UsageBucket(hour, UsageDimension.MODEL, OTHER);
    }

    private void add(UsageBucket bucket, RequestRecord r) {
        Counter c = counters.get(bucket);
        if (c == null) {
            c = counters.computeIfAbsent(bucket, b -> new Counter());
        }
        c.requests.increment();
        if (r.failed()) {
            c.errors.increment();
        }
        c.input.add(r.inputTokens());
        c.output.add(r.outputTokens());
        c.cacheRead.add(r.cacheReadTokens());
        c.cacheWrite.add(r.cacheWriteTokens());
    }

    /**
     * Takes everything counted so far; counts arriving meanwhile stay for the next drain. Buckets of hours that ended
     * before {@code now}'s previous hour are forgotten once drained (no request can still add to them).
     */
    public Map<UsageBucket, UsageCounts> drain(Instant now) {
        Instant keepFrom = now.truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
        Map<UsageBucket, UsageCounts> out = new HashMap<>();
        counters.forEach((bucket, c) -> {
            UsageCounts counts = new UsageCounts(c.requests.sumThenReset(), c.errors.sumThenReset(),
                    c.input.sumThenReset(), c.output.sumThenReset(), c.cacheRead.sumThenReset(), c.cacheWrite.sumThenReset());
            if (!counts.isZero()) {
                out.put(bucket, counts);
            }
            if (bucket.hour().isBefore(keepFrom)) {
                counters.remove(bucket, c);
            }
        });
        modelsPerHour.keySet().removeIf(hour -> hour.isBefore(keepFrom));
        return out;
    }

    /** Puts a drained batch back (its write failed) so it goes with the next one. */
    public void restore(Map<UsageBucket, UsageCounts> batch) {
        batch.forEach((bucket, d) -> {
            Counter c = counters.computeIfAbsent(bucket, b -> new Counter());
            c.requests.add(d.requests());
            c.errors.add(d.errors());
            c.input.add(d.inputTokens());
            c.output.add(d.outputTokens());
            c.cacheRead.add(d.cacheReadTokens());
            c.cacheWrite.add(d.cacheWriteTokens());
        });
    }
}
