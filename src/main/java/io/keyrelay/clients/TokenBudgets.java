package io.keyrelay.clients;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens each client key used in its budget period, as every instance together used them: the total the database
 * held at this instance's last flush or reload, plus what this instance counted since. A request is admitted while
 * that total, plus the tokens the key's requests still under way are expected to use (each as many as the most one
 * of its requests used so far), stays under the budget; so requests running together cross the budget by about one
 * request's tokens, not one per request. Requests admitted before the crossing finish.
 */
final class TokenBudgets {

    /** The counts of one period of one key. */
    private static final class Period {
        final Instant start;
        final AtomicLong shared = new AtomicLong(); // every instance's tokens, as last read from the database
        final AtomicLong unflushed = new AtomicLong(); // this instance's, not yet written

        Period(Instant start) {
            this.start = start;
        }

        long used() {
            return shared.get() + unflushed.get();
        }
    }

    private static final class State {
        volatile Period period;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong largestRequest = new AtomicLong();
    }

    /** Tokens to add to a key's period in the database. */
    record Delta(Instant periodStart, long tokens) {
    }

    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    private State state(String id) {
        State s = states.get(id);
        return s != null ? s : states.computeIfAbsent(id, k -> new State());
    }

    /** The current period of {@code key} at {@code now}, started afresh when the last one ended. */
    private Period period(State s, ClientKey key, Instant now) {
        Instant start = key.controls().budgetPeriod().start(now);
        Period p = s.period;
        if (p == null || !p.start.equals(start)) {
            Period fresh = new Period(start);
            fresh.shared.set(key.storedTokensIn(start));
            synchronized (s) {
                if (s.period == null || !s.period.start.equals(start)) {
                    s.period = fresh;
                }
                p = s.period;
            }
        }
        return p;
    }

    /** Tokens {@code key} used in its period at {@code now}, all instances together as far as known here. */
    long used(ClientKey key, Instant now) {
        return period(state(key.id()), key, now).used();
    }

    /** Whether a new request of {@code key} must be refused: its budget is used, or will be by requests under way. */
    boolean exhausted(ClientKey key, Instant now) {
        long budget = key.controls().tokenBudget();
        if (budget <= 0) {
            return false;
        }
        State s = state(key.id());
        long expected = (long) s.inFlight.get() * s.largestRequest.get();
        return period(s, key, now).used() + expected >= budget;
    }

    void started(String id) {
        state(id).inFlight.incrementAndGet();
    }

    void finished(String id) {
        State s = states.get(id);
        if (s != null && s.inFlight.decrementAndGet() < 0) {
            s.inFlight.set(0);
        }
    }

    /** Tokens a request of {@code key} used, counted in the period of {@code now}. */
    void add(ClientKey key, long tokens, Instant now) {
        if (tokens <= 0) {
            return;
        }
        State s = state(key.id());
        period(s, key, now).unflushed.addAndGet(tokens);
        s.largestRequest.accumulateAndGet(tokens, Math::max);
    }

    /** Takes the tokens counted here since the last drain, per key, with the period they belong to. */
    Map<String, Delta> drain() {
        Map<String, Delta> out = new HashMap<>();
        states.forEach((id, s) -> {
            Period p = s.period;
            if (p != null) {
                long tokens = p.unflushed.getAndSet(0);
                if (tokens > 0) {
                    p.shared.addAndGet(tokens); // counted as written; the database's total replaces it below
                    out.put(id, new Delta(p.start, tokens));
                }
            }
        });
        return out;
    }

    /** A drained delta could not be written: it is counted again with the next drain. */
    void restore(String id, Delta d) {
        State s = states.get(id);
        Period p = s == null ? null : s.period;
        if (p != null && p.start.equals(d.periodStart())) {
            p.shared.addAndGet(-d.tokens());
            p.unflushed.addAndGet(d.tokens());
        }
    }

    /** The database's total for a key's period, after a flush or at a reload: it only ever grows within a period. */
    void stored(String id, Instant periodStart, long total) {
        State s = states.get(id);
        Period p = s == null ? null : s.period;
        if (p != null && p.start.equals(periodStart)) {
            p.shared.accumulateAndGet(total, Math::max);
        }
    }

    void forget(String id) {
        states.remove(id);
    }
}
