package io.keyrelay.insight;

import io.keyrelay.keys.StoreUnavailableException;
import java.time.Clock;
import java.util.Map;

/** Usage over time counted in memory ({@link UsageBuckets}) and flushed to its store now and then. */
public final class UsageOverTime {
    private final UsageBuckets buckets;
    private final UsageStore store;
    private final Clock clock;

    public UsageOverTime(UsageBuckets buckets, UsageStore store, Clock clock) {
        this.buckets = buckets;
        this.store = store;
        this.clock = clock;
    }

    /** Writes what was counted since the last flush; while the database is down the counts wait for the next one. */
    public void flush() {
        Map<UsageBucket, UsageCounts> batch = buckets.drain(clock.instant());
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.add(batch);
        } catch (StoreUnavailableException e) {
            buckets.restore(batch);
        }
    }

    public UsageBuckets buckets() {
        return buckets;
    }
}
