package io.keyrelay.insight;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/** The width of a usage bucket; buckets start on the hour or at midnight, UTC. */
public enum BucketSize {
    HOUR("hour", ChronoUnit.HOURS), DAY("day", ChronoUnit.DAYS);

    private final String apiName;
    private final ChronoUnit unit;

    BucketSize(String apiName, ChronoUnit unit) {
        this.apiName = apiName;
        this.unit = unit;
    }

    public String apiName() {
        return apiName;
    }

    public Duration width() {
        return unit.getDuration();
    }

    /** The start of the bucket holding {@code at}. */
    public Instant start(Instant at) {
        return at.truncatedTo(unit);
    }

    public static Optional<BucketSize> fromApiName(String name) {
        return Arrays.stream(values()).filter(b -> b.apiName.equals(name)).findFirst();
    }
}
