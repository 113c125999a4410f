package io.keyrelay.admin;

import io.keyrelay.insight.BucketSize;
import io.keyrelay.insight.UsageCounts;
import io.keyrelay.insight.UsageDimension;
import io.keyrelay.insight.UsageReport;
import io.keyrelay.insight.UsageSeries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Usage over time (SPEC §5a): one series per pool key, client key or model, a point per hour or day (UTC) of the
 * range, the busiest {@code top} names by tokens and the rest summed as {@code (other)}. Without a range: the last
 * 24 hours by hour, the last 30 days by day.
 */
final class UsageRoutes {
    static final int DEFAULT_TOP = 10;
    static final int MAX_TOP = 100;
    /**
     * Longest ranges: 7 days of hours (168 points a series; on the embedded database a week of a thousand busy keys
     * reads in about 2 s, a month by day in 0.3 s), 400 days of days.
     */
    static final Duration MAX_HOURS = Duration.ofDays(7);
    static final Duration MAX_DAYS = Duration.ofDays(400);

    private final UsageReport usage;
    private final Clock clock;

    UsageRoutes(AdminServices services) {
        this.usage = services.usage();
        this.clock = services.clock();
    }

    void register(RouteTable table) {
        table.get("/admin/usage", this::series);
    }

    private Callable<Reply> series(RoutingContext ctx) {
        Input in = Input.query(ctx, "by", "bucket", "from", "to", "top");
        UsageDimension by = in.optionalText("by", 1, 20).map(b -> UsageDimension.fromApiName(b)
                .orElseGet(() -> in.fail("by", "Expected key, clientKey or model"))).orElse(UsageDimension.KEY);
        BucketSize size = in.optionalText("bucket", 1, 20).map(b -> BucketSize.fromApiName(b)
                .orElseGet(() -> in.fail("bucket", "Expected hour or day"))).orElse(BucketSize.HOUR);
        Instant fromGiven = in.optionalInstant("from").orElse(null);
        Instant toGiven = in.optionalInstant("to").orElse(null);
        int top = in.intOr("top", DEFAULT_TOP, 1, MAX_TOP);
        in.check();
        Instant to = endOf(size, toGiven == null ? clock.instant() : toGiven);
        Instant from = size.start(fromGiven == null
                ? to.minus(size == BucketSize.HOUR ? Duration.ofHours(24) : Duration.ofDays(30)) : fromGiven);
        if (!from.isBefore(to)) {
            in.fail("to", "Must be after from");
        } else if (Duration.between(from, to).compareTo(size == BucketSize.HOUR ? MAX_HOURS : MAX_DAYS) > 0) {
            in.fail("from", "The range may span at most " + (size == BucketSize.HOUR ? "7 days by hour" : "400 days by day"));
        }
        in.check();
        return () -> {
            JsonArray series = new JsonArray();
            for (UsageSeries s : usage.series(by, size, from, to, top)) {
                JsonArray points = new JsonArray();
                s.points().forEach(p -> points.add(counts(p.counts()).put("at", Views.time(p.at()))));
                series.add(new JsonObject().put("name", s.name()).put("total", counts(s.total())).put("points", points));
            }
            return Reply.ok(new JsonObject().put("by", by.apiName()).put("bucket", size.apiName())
                    .put("from", Views.time(from)).put("to", Views.time(to)).put("series", series));
        };
    }

    /** The end of the bucket holding {@code at} (so the bucket under way is in the range). */
    private static Instant endOf(BucketSize size, Instant at) {
        Instant start = size.start(at);
        return start.equals(at) ? at : start.plus(size.width());
    }

    private static JsonObject counts(UsageCounts c) {
        return new JsonObject().put("requests", c.requests()).put("errors", c.errors())
                .put("inputTokens", c.inputTokens()).put("outputTokens", c.outputTokens())
                .put("cacheReadTokens", c.cacheReadTokens()).put("cacheWriteTokens", c.cacheWriteTokens());
    }
}
