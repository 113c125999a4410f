package io.keyrelay.keys;

import java.time.Instant;

/** Usage to add to one key's counters. */
public record UsageDelta(long tokens, long requests, Instant lastUsedAt) {
}
