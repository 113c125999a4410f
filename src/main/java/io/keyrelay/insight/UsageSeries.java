package io.keyrelay.insight;

import java.time.Instant;
import java.util.List;

/** The usage of one name over a range: one point per bucket, empty buckets included. */
public record UsageSeries(String name, List<Point> points) {

    public record Point(Instant at, UsageCounts counts) {
    }

    public UsageCounts total() {
        UsageCounts sum = UsageCounts.ZERO;
        for (Point p : points) {
            sum = sum.plus(p.counts());
        }
        return sum;
    }
}
