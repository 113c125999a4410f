package io.keyrelay.clients;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests-per-minute limits per client key, as a sliding window over the current and the previous minute
 * (the weighted-count approximation nginx and Cloudflare use): O(1) memory per key, no timers.
 */
final class MinuteWindowLimiter {
    private static final long MINUTE_MS = 60_000;

    private static final class Window {
        long minute;
        long current;
        long previous;
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    MinuteWindowLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Counts one request; returns empty when allowed, or how long to wait. */
    Duration acquire(String id, int limit) {
        if (limit <= 0) {
            return Duration.ZERO;
        }
        long now = clock.millis();
        long minute = now / MINUTE_MS;
        Window w = windows.computeIfAbsent(id, k -> new Window());
        synchronized (w) {
            if (w.minute != minute) {
                w.previous = w.minute == minute - 1 ? w.current : 0;
                w.current = 0;
                w.minute = minute;
            }
            double elapsed = (now % MINUTE_MS) / (double) MINUTE_MS;
            double estimate = w.previous * (1 - elapsed) + w.current;
            if (estimate + 1 > limit) {
                long untilNextMinute = MINUTE_MS - now % MINUTE_MS;
                return Duration.ofMillis(Math.max(1000, untilNextMinute));
            }
            w.current++;
            return Duration.ZERO;
        }
    }

    void forget(String id) {
        windows.remove(id);
    }
}
