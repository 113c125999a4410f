package io.keyrelay.insight;

import java.time.Instant;
import java.util.Map;

/** Where usage over time is kept: hourly buckets, and daily ones summed from the same counts. */
public interface UsageStore {

    /** Adds counts to their hourly buckets and to the days holding them. */
    void add(Map<UsageBucket, UsageCounts> counts);

    /** Every name's counts per bucket of {@code size} in {@code [from, to)}, keyed by name; buckets without any left out. */
    Map<String, Map<Instant, UsageCounts>> read(UsageDimension by, BucketSize size, Instant from, Instant to);

    /** Deletes buckets that started before {@code before}. */
    void prune(Instant before);
}
