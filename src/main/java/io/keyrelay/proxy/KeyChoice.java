package io.keyrelay.proxy;

import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.transport.Deadlines;
import io.vertx.core.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The keys one request tries, in turn: the pool's next available key, preferring one (and an endpoint) this request
 * has not tried yet; and when none is available while a rotation is bringing a replacement from the backup pool,
 * that replacement, waited for 3 s at most in all. Used on the request's event loop.
 */
final class KeyChoice {
    private static final long MAX_ROTATION_WAIT_NANOS = Duration.ofSeconds(3).toNanos();

    private final KeyPool pool;
    private final Deadlines deadlines;
    private final Context loop;
    private Set<String> tried; // made on the first retry
    private long waitedNanos;
    private CompletableFuture<Void> rotationEndSeen; // taken before each pick, so no ending in between is missed
    private CompletableFuture<Void> awaited;

    KeyChoice(KeyPool pool, Deadlines deadlines, Context loop) {
        this.pool = pool;
        this.deadlines = deadlines;
        this.loop = loop;
    }

    /** The attempt was made: later picks prefer other keys and endpoints. */
    void tried(Attempt attempt) {
        if (tried == null) {
            tried = new HashSet<>();
        }
        tried.add(attempt.mark());
    }

    /** The next key to try, or empty when no key is available now. */
    Optional<PoolKey> next(Instant now) {
        rotationEndSeen = pool.nextRotationEnd();
        return tried == null ? pool.pick()
                : pool.pick(k -> tried.contains(Attempt.mark(k, k.usesFailoverEndpoint(now))));
    }

    /**
     * After {@link #next} found no key: when a rotation in flight may still bring one, waits for it and returns true;
     * {@code whenKeyMayBeThere} then runs on this event loop once a rotation has ended, or {@code whenNoneCame} when
     * none ended in the time left.
     */
    boolean waitForRotation(Runnable whenKeyMayBeThere, Runnable whenNoneCame) {
        boolean endedSinceThePick = rotationEndSeen.isDone();
        if (!endedSinceThePick && !pool.rotationsInFlight() || waitedNanos >= MAX_ROTATION_WAIT_NANOS) {
            return false;
        }
        waitFor(rotationEndSeen, whenKeyMayBeThere, whenNoneCame);
        return true;
    }

    /** Stops any wait: its callbacks will not run. */
    void stopWaiting() {
        awaited = null;
    }

    private void waitFor(CompletableFuture<Void> rotationEnd, Runnable whenKeyMayBeThere, Runnable whenNoneCame) {
        awaited = rotationEnd;
        long since = System.nanoTime();
        Deadlines.Deadline limit = deadlines.start((MAX_ROTATION_WAIT_NANOS - waitedNanos) / 1_000_000 + 1, () -> {
            if (awaited == rotationEnd) {
                awaited = null;
                whenNoneCame.run();
            }
        });
        rotationEnd.whenComplete((done, error) -> loop.runOnContext(v -> {
            limit.cancel();
            if (awaited == rotationEnd) {
                awaited = null;
                waitedNanos += System.nanoTime() - since;
                whenKeyMayBeThere.run();
            }
        }));
    }
}
