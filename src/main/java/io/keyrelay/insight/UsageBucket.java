package io.keyrelay.insight;

import java.time.Instant;

/** One hour of usage of one pool key, client key or model. */
public record UsageBucket(Instant hour, UsageDimension dimension, String name) {
}
