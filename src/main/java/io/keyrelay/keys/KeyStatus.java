package io.keyrelay.keys;

import java.util.Arrays;
import java.util.Optional;

/** A pool key's status, persisted by its wire name (never by ordinal). */
public enum KeyStatus {
    HEALTHY("healthy"),
    RATE_LIMITED("rate_limited"),
    USING_FAILOVER("using_failover"),
    EXHAUSTED("exhausted"),
    ERROR("error");

    private final String wireName;

    KeyStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Statuses that serve requests whatever their cooldown. */
    public boolean servesRequests() {
        return this == HEALTHY || this == USING_FAILOVER;
    }

    public static Optional<KeyStatus> fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
