package io.keyrelay.clients;

import io.keyrelay.keys.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Requests and tokens per minute, held for all instances together. Each minute is a window in the database that
 * grants leases: an instance claims a share of a key's limit (a tenth of it, split among the live instances), admits
 * requests from that lease in memory, and claims more, off the request path, when less than a share is left. The
 * database never grants more than the limit. Until its first claim of a minute is answered, an instance admits on
 * credit up to its part of the limit (the limit divided among the live instances), which that claim then asks for:
 * the instances together cannot pass the limit that way, and a burst at the start of a minute is not refused for
 * want of an answer; later, while a claim is on its way, up to one share on credit. So the instances together admit
 * at most a tenth over the limit, and leave at most one share each unused when the minute ends. While the database cannot be reached, each instance grants itself its share of
 * the limit (the limit divided among the instances last seen alive) and counts that in {@link #fallbacks()}.
 */
final class SharedLimits {
    private static final long MINUTE_MS = 60_000;

    /** What a window is counted in. */
    enum Kind {
        REQUESTS("rpm"), TOKENS("tpm");

        final String tag;

        Kind(String tag) {
            this.tag = tag;
        }
    }

    /**
     * What {@link #admit} decided: admitted ({@code retryAfter} zero), refused until {@code retryAfter}, or to be asked
     * again once {@code ready}, the claim under way for an empty lease, completes.
     */
    record Decision(Duration retryAfter, CompletionStage<Void> ready) {
        static final Decision ADMITTED = new Decision(Duration.ZERO, null);
    }

    /** One key's lease in one minute for one kind. */
    private static final class Lease {
        final long minute;
        final AtomicLong available = new AtomicLong(); // below zero: admitted on credit, to be claimed
        final AtomicLong granted = new AtomicLong();
        final AtomicBoolean claiming = new AtomicBoolean();
        volatile CompletableFuture<Void> claimed = CompletableFuture.completedFuture(null);
        volatile boolean usedUp;

        Lease(long minute) {
            this.minute = minute;
        }
    }

    private final WindowStore store;
    private final ExecutorService claims;
    private final IntSupplier liveInstances;
    private final BooleanSupplier databaseReachable;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final LongAdder fallbacks = new LongAdder();

    SharedLimits(WindowStore store, ExecutorService claims, IntSupplier liveInstances, BooleanSupplier databaseReachable) {
        this.store = store;
        this.claims = claims;
        this.liveInstances = liveInstances;
        this.databaseReachable = databaseReachable;
    }

    /**
     * Admits one request of {@code key} at {@code nowMs} against its requests-per-minute limit (0: none), and checks
     * that its tokens-per-minute lease is not used up. A request that finds the lease empty while more is being claimed
     * waits for that claim (a few milliseconds), rather than being refused while the minute still has room.
     */
    Decision admit(ClientKey key, long nowMs) {
        long minute = nowMs / MINUTE_MS;
        int rpm = key.controls().rpmLimit();
        long tpm = key.controls().tpmLimit();
        if (tpm > 0) {
            Lease tokens = lease(key.id(), Kind.TOKENS, minute);
            if (tokens.usedUp && tokens.available.get() <= 0) {
                return new Decision(untilNextMinute(nowMs), null);
            }
        }
        if (rpm <= 0) {
            return Decision.ADMITTED;
        }
        Lease l = lease(key.id(), Kind.REQUESTS, minute);
        if (take(key.id(), Kind.REQUESTS, l, 1, rpm)) {
            return Decision.ADMITTED;
        }
        return l.claiming.get() && !l.usedUp ? new Decision(null, l.claimed) : new Decision(untilNextMinute(nowMs), null);
    }

    /** Counts tokens a request of {@code key} used against its tokens-per-minute limit. */
    void tokens(ClientKey key, long tokens, long nowMs) {
        long tpm = key.controls().tpmLimit();
        if (tpm > 0 && tokens > 0) {
            Lease l = lease(key.id(), Kind.TOKENS, nowMs / MINUTE_MS);
            l.available.addAndGet(-tokens);
            claimIfLow(key.id(), Kind.TOKENS, l, tpm);
        }
    }

    /**
     * From the lease; or on credit: before the window's first claim is answered, up to this instance's part of the
     * limit (the instances together cannot pass the limit that way, however they start); later, while a claim is on its
     * way, up to one share, if a share is a tenth of the instance's part (so small limits are never overrun).
     */
    private boolean take(String id, Kind kind, Lease l, long amount, long limit) {
        long left = l.available.addAndGet(-amount);
        long credit = -left;
        boolean admitted = left >= 0 || !l.usedUp && (l.granted.get() == 0 ? credit <= part(limit)
                : l.claiming.get() && limit >= 10L * liveInstances() && credit <= share(limit));
        if (!admitted) {
            l.available.addAndGet(amount);
        }
        claimIfLow(id, kind, l, limit);
        return admitted;
    }

    private Lease lease(String id, Kind kind, long minute) {
        String key = id + '|' + kind.tag;
        Lease l = leases.get(key);
        if (l == null || l.minute != minute) {
            Lease fresh = new Lease(minute);
            l = leases.compute(key, (k, old) -> old != null && old.minute >= minute ? old : fresh);
        }
        return l;
    }

    private void claimIfLow(String id, Kind kind, Lease l, long limit) {
        if (!l.usedUp && l.available.get() < share(limit) && l.claiming.compareAndSet(false, true)) {
            l.claimed = new CompletableFuture<>();
            claims.execute(() -> claim(id, kind, l, limit));
        }
    }

    /** On the claims thread: what the lease owes (credit) plus a share. */
    private void claim(String id, Kind kind, Lease l, long limit) {
        try {
            long owed = Math.max(0, -l.available.get());
            long amount = owed + share(limit);
            long granted;
            if (!databaseReachable.getAsBoolean()) {
                granted = fallback(l, limit);
            } else {
                try {
                    granted = store.claim(id + '|' + kind.tag + '|' + l.minute, Instant.ofEpochMilli(l.minute * MINUTE_MS),
                            amount, limit);
                } catch (StoreUnavailableException e) {
                    granted = fallback(l, limit);
                }
            }
            l.granted.addAndGet(granted);
            l.available.addAndGet(granted);
            if (granted < amount) {
                l.usedUp = true;
            }
        } finally {
            l.claiming.set(false);
            l.claimed.complete(null);
        }
    }

    /** Without the database: the rest of this instance's part of the limit (split among the instances last seen alive). */
    private long fallback(Lease l, long limit) {
        fallbacks.increment();
        return Math.max(0, part(limit) - l.granted.get());
    }

    /** The limit divided among the instances last seen alive. */
    private long part(long limit) {
        return (limit + liveInstances() - 1) / liveInstances();
    }

    /** A tenth of the limit, split among the live instances; at least 1. */
    private long share(long limit) {
        return Math.max(1, limit / (10L * liveInstances()));
    }

    private int liveInstances() {
        return Math.max(1, liveInstances.getAsInt());
    }

    private static Duration untilNextMinute(long nowMs) {
        return Duration.ofMillis(Math.max(1000, MINUTE_MS - nowMs % MINUTE_MS));
    }

    /** Drops the leases of minutes that are over. */
    void forgetBefore(long nowMs) {
        long minute = nowMs / MINUTE_MS;
        leases.values().removeIf(l -> l.minute < minute);
    }

    void forget(String id) {
        leases.keySet().removeIf(k -> k.startsWith(id + '|'));
    }

    /** Claims the database could not answer, granted from the instance's own share instead. */
    long fallbacks() {
        return fallbacks.sum();
    }
}
