package io.keyrelay.proxy;

import io.keyrelay.keys.FailureDecision;
import io.keyrelay.keys.KeyAction;
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
 * that replacement, waited for 10 s at most in all (as long as a peer that died mid-rotation may take to be replaced:
 * its heartbeat goes stale, then another instance finishes the rotation). Used on the request's event loop.
 */
final class KeyChoice {
    private static final long MAX_ROTATION_WAIT_NANOS = Duration.ofSeconds(10).toNanos();

    private final KeyPool pool;
    private final Deadlines deadlines;
    private final Context loop;
    private Set<String> tried; // made on the first retry
    private String rotatedKeyId; // the key whose rotation this request caused, if any
    private String awaitedKeyId; // the key whose replacement the next attempt waits for, if any
    private PoolKey preferred;   // that replacement, once it came
    private boolean beyondTheCapUsed;
    private long waitedNanos;
    private CompletableFuture<Void> rotationEndSeen; // taken before each pick, so no ending in between is missed
    private CompletableFuture<Void> awaited;

    KeyChoice(KeyPool pool, Deadlines deadlines, Context loop) {
        this.pool = pool;
        this.deadlines = deadlines;
        this.loop = loop;
    }

    /** The attempt was made: later picks prefer other keys and endpoints. */
    private void tried(Attempt attempt) {
        if (tried == null) {
            tried = new HashSet<>();
        }
        tried.add(attempt.mark());
    }

    /**
     * A refusal was judged. The next attempt waits for a replacement instead of trying more keys that may be failing
     * alike: when this request already caused a rotation and another key's rotation is now held back (one rotation
     * per request), for the key it rotated; when the refusing key is being rotated already (by another request, or
     * another instance), for that key's.
     */
    void judged(PoolKey key, FailureDecision decision) {
        if (decision.action() == KeyAction.ROTATE) {
            rotatedKeyId = key.id();
        } else if (decision.action() == KeyAction.COOL_DOWN && rotatedKeyId != null) {
            awaitedKeyId = rotatedKeyId;
            rotatedKeyId = null; // waited for once
        } else if (decision.action() == KeyAction.NONE && decision.retry() && pool.isRotating(key.id())) {
            awaitedKeyId = key.id();
        }
    }

    /**
     * Before the next attempt: {@code last} (null before the first) was tried; when the next attempt should wait for
     * the replacement (see {@link #judged}), waits, then runs {@code retry} on this event loop, and returns true.
     */
    boolean triedThenAwaitReplacement(Attempt last, Runnable retry) {
        if (last != null) {
            tried(last);
        }
        if (awaitedKeyId == null) {
            return false;
        }
        CompletableFuture<Optional<PoolKey>> replacement = pool.replacementOf(awaitedKeyId);
        awaitedKeyId = null;
        if (replacement.isDone()) {
            preferred = replacement.getNow(Optional.empty()).orElse(null);
            return false;
        }
        waitFor(replacement.thenAccept(k -> { }), () -> {
            preferred = replacement.getNow(Optional.empty()).orElse(null);
            retry.run();
        }, retry);
        return true;
    }

    /**
     * Whether the replacement just waited for may be tried although the request has used all its attempts: once per
     * request, since a fresh key from the backup pool is not one more of the keys that were failing.
     */
    boolean replacementBeyondTheCap() {
        if (preferred == null || beyondTheCapUsed) {
            return false;
        }
        beyondTheCapUsed = true;
        return true;
    }

    /** The next key to try, or empty when no key is available now. */
    Optional<PoolKey> next(Instant now) {
        rotationEndSeen = pool.nextRotationEnd();
        PoolKey replacement = preferred;
        preferred = null;
        if (replacement != null) {
            Optional<PoolKey> current = pool.get(replacement.id()).filter(k -> k.isAvailable(now));
            if (current.isPresent()) {
                return current;
            }
        }
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
