package io.keyrelay.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing of the admin token, per client address: the first {@value #FREE_FAILURES} wrong tokens cost
 * nothing (typos), each further one blocks the address for 1 s, 2 s, 4 s … up to a minute, during which every
 * token from it is refused unchecked (429). Failures are forgotten after {@link #MEMORY} without one, or at a
 * success.
 */
final class AuthThrottle {
    static final int FREE_FAILURES = 5;
    static final Duration MEMORY = Duration.ofMinutes(15);
    static final Duration MAX_BLOCK = Duration.ofMinutes(1);
    private static final int MAX_TRACKED = 10_000;

    private record Failures(int count, Instant last, Instant blockedUntil) {
    }

    private final Clock clock;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    AuthThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long {@code address} must still wait before a token is checked; zero when it may try now. */
    Duration blockedFor(String address) {
        Failures f = byAddress.get(address);
        Instant now = clock.instant();
        if (f == null || f.blockedUntil() == null || !now.isBefore(f.blockedUntil())) {
            return Duration.ZERO;
        }
        return Duration.between(now, f.blockedUntil());
    }

    /** Records a wrong token; returns the number of consecutive failures. */
    int failed(String address) {
        Instant now = clock.instant();
        if (byAddress.size() > MAX_TRACKED) {
            byAddress.values().removeIf(f -> f.last().plus(MEMORY).isBefore(now));
        }
        return byAddress.compute(address, (a, f) -> {
            int count = f == null || f.last().plus(MEMORY).isBefore(now) ? 1 : f.count() + 1;
            Instant blockedUntil = count > FREE_FAILURES ? now.plus(block(count - FREE_FAILURES)) : null;
            return new Failures(count, now, blockedUntil);
        }).count();
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }

    private static Duration block(int beyondFree) {
        long seconds = 1L << Math.min(beyondFree - 1, 10);
        return seconds >= MAX_BLOCK.toSeconds() ? MAX_BLOCK : Duration.ofSeconds(seconds);
    }
}
