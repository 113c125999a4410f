package io.keyrelay.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Circuit breakers for transient failures (SPEC §3), one per pool key and endpoint (primary or failover): after
 * {@code threshold} transient failures in a row, the key is kept out of selection on that endpoint for
 * {@code openFor}; then one request tries it (half-open). An answer closes the breaker; a failure opens it again
 * for twice as long, up to {@code maxOpenFor}. Held in memory by each instance, so the stored key (which the
 * original system also reads) never changes; a breaker never rotates a key.
 */
public final class EndpointBreakers {
    /** How breakers behave. */
    public record Settings(int threshold, Duration openFor, Duration maxOpenFor) {
        public static final Settings DEFAULT = new Settings(5, Duration.ofSeconds(30), Duration.ofMinutes(10));

        public Settings {
            if (threshold < 1) {
                throw new IllegalArgumentException("the breaker threshold must be at least 1");
            }
            if (openFor.isNegative() || openFor.isZero() || maxOpenFor.compareTo(openFor) < 0) {
                throw new IllegalArgumentException("the breaker's wait must be positive and at most its cap");
            }
        }
    }

    /** A breaker that is not plainly closed, as the admin API shows it. */
    public record View(String keyId, boolean failoverEndpoint, String state, int failures, Instant openUntil) {
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Breaker[]> byKey = new ConcurrentHashMap<>();
    private final AtomicLong trips = new AtomicLong();
    private volatile Runnable onChange = () -> { };

    public EndpointBreakers(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Runs whenever a breaker opens or closes, so that selection is rebuilt. */
    void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** A transient failure (5xx, no connection, no answer in time) of the key on that endpoint. */
    public void failed(String keyId, boolean failover) {
        Breaker b = find(keyId, failover);
        if (b == null) {
            b = create(keyId, failover);
        }
        if (b.failed(clock.instant(), settings)) {
            trips.incrementAndGet();
            onChange.run();
        }
    }

    /** An answer of the upstream on that endpoint, whatever its status: the failures in a row are over. */
    public void answered(String keyId, boolean failover) {
        Breaker[] pair = byKey.get(keyId);
        if (pair == null) {
            return;
        }
        Breaker b = pair[index(failover)];
        if (b != null && b.answered()) {
            onChange.run();
        }
    }

    /** Until when the key is kept out on that endpoint; null when it is not. */
    Instant openUntil(String keyId, boolean failover, Instant now) {
        Breaker b = find(keyId, failover);
        return b == null ? null : b.openUntil(now);
    }

    /** Whether the key's next request on that endpoint is a half-open trial. */
    boolean halfOpen(String keyId, boolean failover, Instant now) {
        Breaker b = find(keyId, failover);
        return b != null && b.halfOpen(now);
    }

    /** Takes the half-open trial for one request; false when another request has it. */
    boolean claimTrial(String keyId, boolean failover) {
        Breaker b = find(keyId, failover);
        return b == null || b.claimTrial(clock.instant(), settings.openFor());
    }

    /** Forgets breakers of keys no longer in the pool. */
    void retainOnly(Set<String> keyIds) {
        byKey.keySet().retainAll(keyIds);
    }

    /** Closes the key's breakers (an operator reset it). */
    public void reset(String keyId) {
        if (byKey.remove(keyId) != null) {
            onChange.run();
        }
    }

    /** Breakers with failures, open or half-open. */
    public List<View> views() {
        List<View> views = new ArrayList<>();
        byKey.keySet().forEach(id -> views.addAll(views(id)));
        return views;
    }

    /** The key's breakers with failures, open or half-open. */
    public List<View> views(String keyId) {
        Breaker[] pair = byKey.get(keyId);
        List<View> views = new ArrayList<>(2);
        if (pair != null) {
            Instant now = clock.instant();
            for (int i = 0; i < 2; i++) {
                View v = pair[i] == null ? null : pair[i].view(keyId, i == 1, now);
                if (v != null) {
                    views.add(v);
                }
            }
        }
        return views;
    }

    /** Breakers open now (not half-open), for metrics. */
    public int openCount() {
        Instant now = clock.instant();
        return (int) views().stream().filter(v -> v.openUntil() != null && now.isBefore(v.openUntil())).count();
    }

    /** How many times a breaker has opened since start. */
    public long trips() {
        return trips.get();
    }

    private Breaker create(String keyId, boolean failover) {
        Breaker[] pair = byKey.computeIfAbsent(keyId, id -> new Breaker[2]);
        synchronized (pair) {
            if (pair[index(failover)] == null) {
                pair[index(failover)] = new Breaker();
            }
            return pair[index(failover)];
        }
    }

    private Breaker find(String keyId, boolean failover) {
        Breaker[] pair = byKey.get(keyId);
        return pair == null ? null : pair[index(failover)];
    }

    private static int index(boolean failover) {
        return failover ? 1 : 0;
    }

    /** One key on one endpoint. Closed while {@code openUntil} is null; half-open once it has passed. */
    private static final class Breaker {
        private int failures;
        private Instant openUntil;
        private Duration wait;
        private Instant trialTakenUntil;

        /** True when this failure opened the breaker (again). */
        synchronized boolean failed(Instant now, Settings s) {
            if (openUntil != null) {
                if (now.isBefore(openUntil)) {
                    return false; // a request sent before it opened: already counted in
                }
                Duration doubled = wait.multipliedBy(2);
                wait = doubled.compareTo(s.maxOpenFor()) > 0 ? s.maxOpenFor() : doubled;
                openUntil = now.plus(wait);
                trialTakenUntil = null;
                failures++;
                return true;
            }
            failures++;
            if (failures < s.threshold()) {
                return false;
            }
            wait = s.openFor();
            openUntil = now.plus(wait);
            return true;
        }

        /** True when this answer closed an open or half-open breaker. */
        synchronized boolean answered() {
            boolean wasOpen = openUntil != null;
            failures = 0;
            openUntil = null;
            wait = null;
            trialTakenUntil = null;
            return wasOpen;
        }

        synchronized Instant openUntil(Instant now) {
            return openUntil != null && now.isBefore(openUntil) ? openUntil : null;
        }

        synchronized boolean halfOpen(Instant now) {
            return openUntil != null && !now.isBefore(openUntil);
        }

        /** The trial is one request's for {@code hold} (after that, if it never told its outcome, another's). */
        synchronized boolean claimTrial(Instant now, Duration hold) {
            if (openUntil == null) {
                return true;
            }
            if (now.isBefore(openUntil) || trialTakenUntil != null && now.isBefore(trialTakenUntil)) {
                return false;
            }
            trialTakenUntil = now.plus(hold);
            return true;
        }

        synchronized View view(String keyId, boolean failover, Instant now) {
            if (failures == 0 && openUntil == null) {
                return null;
            }
            String state = openUntil == null ? "closed" : now.isBefore(openUntil) ? "open" : "half_open";
            return new View(keyId, failover, state, failures, openUntil);
        }
    }
}
