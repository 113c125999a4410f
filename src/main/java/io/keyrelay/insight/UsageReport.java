package io.keyrelay.insight;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage over a range as charts draw it: one series per name with a point for every bucket of the range (empty
 * buckets as zero), the {@code top} names by tokens (then requests) first, the rest summed into one series named
 * {@link UsageBuckets#OTHER}.
 */
public final class UsageReport {
    private final UsageStore store;

    public UsageReport(UsageStore store) {
        this.store = store;
    }

    /** @param from and {@code to}: bucket starts; {@code to} excluded */
    public List<UsageSeries> series(UsageDimension by, BucketSize size, Instant from, Instant to, int top) {
        Map<String, Map<Instant, UsageCounts>> byName = store.read(by, size, from, to);
        List<Instant> buckets = new ArrayList<>();
        for (Instant at = from; at.isBefore(to); at = at.plus(size.width())) {
            buckets.add(at);
        }
        List<Map.Entry<String, UsageCounts>> ranked = new ArrayList<>();
        byName.forEach((name, points) -> ranked.add(Map.entry(name, sum(points))));
        ranked.sort(Comparator.<Map.Entry<String, UsageCounts>>comparingLong(e -> e.getValue().tokens()).reversed()
                .thenComparing(Comparator.<Map.Entry<String, UsageCounts>>comparingLong(e -> e.getValue().requests()).reversed())
                .thenComparing(Map.Entry::getKey));
        List<UsageSeries> out = new ArrayList<>();
        Map<Instant, UsageCounts> other = new HashMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            String name = ranked.get(i).getKey();
            Map<Instant, UsageCounts> points = byName.get(name);
            if (i < top && !name.equals(UsageBuckets.OTHER)) {
                out.add(dense(name, points, buckets));
            } else {
                points.forEach((at, c) -> other.merge(at, c, UsageCounts::plus));
            }
        }
        if (!other.isEmpty()) {
            out.add(dense(UsageBuckets.OTHER, other, buckets));
        }
        return out;
    }

    private static UsageSeries dense(String name, Map<Instant, UsageCounts> points, List<Instant> buckets) {
        List<UsageSeries.Point> dense = new ArrayList<>(buckets.size());
        for (Instant at : buckets) {
            dense.add(new UsageSeries.Point(at, points.getOrDefault(at, UsageCounts.ZERO)));
        }
        return new UsageSeries(name, dense);
    }

    private static UsageCounts sum(Map<Instant, UsageCounts> points) {
        UsageCounts sum = UsageCounts.ZERO;
        for (UsageCounts c : points.values()) {
            sum = sum.plus(c);
        }
        return sum;
    }
}
