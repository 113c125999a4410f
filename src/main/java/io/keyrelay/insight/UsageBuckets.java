package io.keyrelay.insight;

import java.time.Instant;
import java.util.EnumMap;
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
    private static final long HOUR_MS = 3_600_000;

    private static final class Counter {
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder input = new LongAdder();
        final LongAdder output = new LongAdder();
        final LongAdder cacheRead = new LongAdder();
        final LongAdder cacheWrite = new LongAdder();

        void add(long requests, long errors, long input, long output, long cacheRead, long cacheWrite) {
            addIfAny(this.requests, requests);
            addIfAny(this.errors, errors);
            addIfAny(this.input, input);
            addIfAny(this.output, output);
            addIfAny(this.cacheRead, cacheRead);
            addIfAny(this.cacheWrite, cacheWrite);
        }

        private static void addIfAny(LongAdder adder, long n) {
            if (n != 0) {
                adder.add(n);
            }
        }

        UsageCounts drain() {
            return new UsageCounts(requests.sumThenReset(), errors.sumThenReset(), input.sumThenReset(),
                    output.sumThenReset(), cacheRead.sumThenReset(), cacheWrite.sumThenReset());
        }
    }

    /** One hour's counters, by dimension and name. */
    private static final class Hour {
        final long startMs;
        final Instant start;
        final Map<UsageDimension, ConcurrentHashMap<String, Counter>> byDimension = new EnumMap<>(UsageDimension.class);
        final AtomicInteger models = new AtomicInteger();

        Hour(long startMs) {
            this.startMs = startMs;
            this.start = Instant.ofEpochMilli(startMs);
            for (UsageDimension d : UsageDimension.values()) {
                byDimension.put(d, new ConcurrentHashMap<>());
            }
        }

        Counter counter(UsageDimension dimension, String name) {
            ConcurrentHashMap<String, Counter> counters = byDimension.get(dimension);
            Counter c = counters.get(name);
            return c != null ? c : counters.computeIfAbsent(name, n -> new Counter());
        }

        /** The model's counter; past the hour's share of names, the counter of {@value #OTHER}. */
        Counter model(String model) {
            String name = model.length() > MAX_NAME_LENGTH ? model.substring(0, MAX_NAME_LENGTH) : model;
            ConcurrentHashMap<String, Counter> counters = byDimension.get(UsageDimension.MODEL);
            Counter c = counters.get(name);
            if (c != null) {
                return c;
            }
            return counter(UsageDimension.MODEL, models.incrementAndGet() <= MAX_MODELS_PER_HOUR ? name : OTHER);
        }
    }

    private final ConcurrentHashMap<Long, Hour> hours = new ConcurrentHashMap<>();
    private volatile Hour current;

    /** Counts a request that ended, under the key of its last attempt, its client key and its model. */
    public void record(RequestRecord r) {
        Hour hour = hour(r.at().toEpochMilli());
        long errors = r.failed() ? 1 : 0;
        String key = r.lastKeyId();
        if (key != null) {
            hour.counter(UsageDimension.KEY, key).add(1, errors, r.inputTokens(), r.outputTokens(),
                    r.cacheReadTokens(), r.cacheWriteTokens());
        }
        if (r.clientKeyId() != null) {
            hour.counter(UsageDimension.CLIENT_KEY, r.clientKeyId()).add(1, errors, r.inputTokens(), r.outputTokens(),
                    r.cacheReadTokens(), r.cacheWriteTokens());
        }
        if (r.model() != null) {
            hour.model(r.model()).add(1, errors, r.inputTokens(), r.outputTokens(), r.cacheReadTokens(),
                    r.cacheWriteTokens());
        }
    }

    private Hour hour(long atMs) {
        long startMs = atMs - Math.floorMod(atMs, HOUR_MS);
        Hour h = current;
        if (h != null && h.startMs == startMs) {
            return h;
        }
        h = hours.computeIfAbsent(startMs, Hour::new);
        if (current == null || current.startMs < startMs) {
            current = h;
        }
        return h;
    }

    /**
     * Takes everything counted so far; counts arriving meanwhile stay for the next drain. Hours that ended before
     * {@code now}'s previous hour are forgotten once drained (no request can still add to them).
     */
    public Map<UsageBucket, UsageCounts> drain(Instant now) {
        long keepFromMs = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), HOUR_MS) - HOUR_MS;
        Map<UsageBucket, UsageCounts> out = new HashMap<>();
        hours.forEach((startMs, hour) -> {
            hour.byDimension.forEach((dimension, counters) -> counters.forEach((name, c) -> {
                UsageCounts counts = c.drain();
                if (!counts.isZero()) {
                    out.put(new UsageBucket(hour.start, dimension, name), counts);
                }
            }));
            if (startMs < keepFromMs && hours.remove(startMs, hour) && current == hour) {
                current = null;
            }
        });
        return out;
    }

    /** Puts a drained batch back (its write failed) so it goes with the next one. */
    public void restore(Map<UsageBucket, UsageCounts> batch) {
        batch.forEach((bucket, d) -> hour(bucket.hour().toEpochMilli()).counter(bucket.dimension(), bucket.name())
                .add(d.requests(), d.errors(), d.inputTokens(), d.outputTokens(), d.cacheReadTokens(),
                        d.cacheWriteTokens()));
    }
}
