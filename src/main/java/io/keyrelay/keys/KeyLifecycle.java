package io.keyrelay.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where upstream answers change keys (SPEC §3): MarkUsingFailover, MarkRateLimited, RotateKey and the
 * cooldown sweep. The in-memory pool changes at once, so the next attempt already avoids the key; the database
 * write, the event record and any rotation run on the {@link StateWriter}, never on the request path.
 */
public final class KeyLifecycle {
    private static final Logger log = LoggerFactory.getLogger(KeyLifecycle.class);

    private final KeyPool pool;
    private final KeyStore keys;
    private final KeyRotation rotation;
    private final EventLog events;
    private final StateWriter writer;
    private final FailurePolicy policy;
    private final Clock clock;
    private final String instance;
    private final Duration defaultRateLimitCooldown;
    private final RotationBrake brake;

    public KeyLifecycle(KeyPool pool, KeyStore keys, KeyRotation rotation, EventLog events, StateWriter writer,
                        Clock clock, String instance, Duration defaultRateLimitCooldown, RotationBrake brake) {
        this.pool = pool;
        this.keys = keys;
        this.rotation = rotation;
        this.events = events;
        this.writer = writer;
        this.policy = new FailurePolicy();
        this.clock = clock;
        this.instance = instance;
        this.defaultRateLimitCooldown = defaultRateLimitCooldown;
        this.brake = brake;
    }

    /** {@link #onAnswer(PoolKey, FailureClass, Integer, Optional, boolean)} for a request that rotated nothing yet. */
    public FailureDecision onAnswer(PoolKey used, FailureClass failure, Integer upstreamStatus, Optional<Duration> retryAfter) {
        return onAnswer(used, failure, upstreamStatus, retryAfter, false);
    }

    /**
     * Applies what an upstream answer means for the key that was used. A rotation the {@link RotationBrake} holds
     * back becomes a cooldown ({@link KeyAction#COOL_DOWN}).
     *
     * @param used                  the key value the request picked (the compare-and-set guard: a key already
     *                              changed by another request is left alone)
     * @param retryAfter            the upstream's Retry-After, if it sent one
     * @param requestRotatedAlready whether the client request behind this answer has already caused a rotation
     */
    public FailureDecision onAnswer(PoolKey used, FailureClass failure, Integer upstreamStatus, Optional<Duration> retryAfter,
                                    boolean requestRotatedAlready) {
        Instant now = clock.instant();
        boolean failover = used.usesFailoverEndpoint(now);
        if (failure == FailureClass.TRANSIENT) {
            pool.breakers().failed(used.id(), failover);
        } else {
            pool.breakers().answered(used.id(), failover);
        }
        FailureDecision decision = policy.decide(failure, used, now);
        if (decision.action() == KeyAction.ROTATE && !pool.canRotate(used)) {
            // another request already replaced this key or is replacing it: nothing to do, and no rotation to count
            return new FailureDecision(failure, KeyAction.NONE, decision.retry());
        }
        RotationBrake.Hold hold = decision.action() == KeyAction.ROTATE ? brake.check(requestRotatedAlready)
                : RotationBrake.Hold.NONE;
        if (hold != RotationBrake.Hold.NONE) {
            decision = new FailureDecision(failure, KeyAction.COOL_DOWN, decision.retry());
        }
        switch (decision.action()) {
            case MARK_USING_FAILOVER -> markUsingFailover(used, EventReason.of(failure), upstreamStatus);
            case MARK_RATE_LIMITED -> markRateLimited(used, retryAfter.orElse(defaultRateLimitCooldown), upstreamStatus);
            case ROTATE -> rotate(used, EventReason.of(failure), upstreamStatus);
            case COOL_DOWN -> coolInsteadOfRotating(used, hold, upstreamStatus);
            case NONE, COUNT_USAGE -> {
            }
        }
        return decision;
    }

    /** MarkUsingFailover: the key goes to the failover endpoint, its cooldown cleared. */
    public void markUsingFailover(PoolKey used, EventReason reason, Integer upstreamStatus) {
        transition(used, KeyState.usingFailover(), reason, upstreamStatus);
    }

    /** MarkRateLimited: the key rests until the cooldown ends, then returns to the endpoint it was using. */
    public void markRateLimited(PoolKey used, Duration cooldown, Integer upstreamStatus) {
        Instant now = clock.instant();
        KeyStatus resume = used.usesFailoverEndpoint(now) ? KeyStatus.USING_FAILOVER : KeyStatus.HEALTHY;
        KeyState next = new KeyState(KeyStatus.RATE_LIMITED, now.plus(cooldown), resume,
                "Rate limited by upstream; cooling down for " + cooldown.toSeconds() + " s");
        transition(used, next, EventReason.RATE_LIMITED, upstreamStatus);
    }

    /** A rotation held back: the key rests for {@link RotationBrake#PAUSE}, then returns to where it was. */
    private void coolInsteadOfRotating(PoolKey used, RotationBrake.Hold hold, Integer upstreamStatus) {
        Instant now = clock.instant();
        KeyStatus resume = used.usesFailoverEndpoint(now) ? KeyStatus.USING_FAILOVER : KeyStatus.HEALTHY;
        String why = hold == RotationBrake.Hold.BURST
                ? "Rotations paused: more than " + brake.burst() + " within a minute"
                : "Rotation deferred: this request already replaced a key";
        KeyState next = new KeyState(KeyStatus.RATE_LIMITED, now.plus(RotationBrake.PAUSE), resume,
                why + "; cooling down for " + RotationBrake.PAUSE.toSeconds() + " s");
        transition(used, next, hold == RotationBrake.Hold.BURST ? EventReason.ROTATION_PAUSED : EventReason.ROTATION_DEFERRED,
                upstreamStatus);
    }

    /** RotateKey: replace the key with one from the backup pool (or mark it exhausted when none is left). */
    public void rotate(PoolKey used, EventReason reason, Integer upstreamStatus) {
        if (!pool.beginRotation(used)) {
            return; // another request on this instance is already acting on this key
        }
        log.info("key={} {} rotating ({}{})", used.id(), used.status(), reason.wireName(),
                upstreamStatus == null ? "" : ", upstream " + upstreamStatus);
        writer.submit("rotate " + used.id(), () -> {
            RotationOutcome outcome;
            try {
                outcome = rotation.rotate(used, reason, upstreamStatus);
            } catch (StoreUnavailableException e) {
                throw e; // retried by the writer (and resumed by rotate); the key stays out of selection meanwhile
            } catch (RuntimeException e) {
                // the writer drops this task: the next sync brings back what the database holds, and the sweep
                // finishes the rotation once its lease has run out
                pool.completeRotation(used.id(), null);
                throw e;
            }
            if (outcome instanceof RotationOutcome.Rotated r) {
                pool.completeRotation(used.id(), r.replacement());
            } else if (outcome instanceof RotationOutcome.Exhausted e) {
                pool.completeRotation(used.id(), null);
                pool.put(e.exhaustedKey());
            } else {
                // when another instance holds this key's rotation, the key stays out here until a reload shows its end
                boolean elsewhere = keys.rotationOf(used.id()).isPresent();
                pool.adopt(used.id(), keys.find(used.id()), elsewhere);
            }
        });
    }

    /** Brings keys whose cooldown has ended back to the status they rest in (healthy or using_failover). */
    public int sweepCooldowns() {
        Instant now = clock.instant();
        int recovered = 0;
        for (PoolKey key : pool.all()) {
            if (!key.status().servesRequests() && key.cooldownOver(now) && !pool.isRotating(key.id())) {
                KeyState next = new KeyState(key.resumeStatus(), null, key.resumeStatus(), key.lastError());
                if (transition(key, next, EventReason.COOLDOWN_ENDED, null)) {
                    recovered++;
                }
            }
        }
        return recovered;
    }

    private boolean transition(PoolKey expected, KeyState next, EventReason reason, Integer upstreamStatus) {
        Instant now = clock.instant();
        PoolKey updated = expected.withState(next, now);
        if (!pool.replace(expected, updated)) {
            return false; // already changed by another request
        }
        log.info("key={} {} -> {} reason={}{}{}", expected.id(), expected.status(), next.status(), reason.wireName(),
                upstreamStatus == null ? "" : " upstream=" + upstreamStatus,
                next.cooldownUntil() == null ? "" : " cooldownUntil=" + next.cooldownUntil());
        pool.holdForWrite(expected.id());
        KeyEvent event = new KeyEvent(expected.id(), expected.status().wireName(), next.status().wireName(),
                reason.wireName(), upstreamStatus, next.lastError(), instance, now);
        writer.submit(reason.wireName() + " " + expected.id(), new PersistTransition(expected, next, event, now));
        return true;
    }

    /**
     * Writes one transition and its event. The writer reruns it after a database outage, so it remembers how far it
     * got: a state already stored is not compared again (which would look like another instance's change), the event
     * is appended once, and the pool's hold on the key is released once.
     */
    private final class PersistTransition implements Runnable {
        private final PoolKey expected;
        private final KeyState next;
        private final KeyEvent event;
        private final Instant at;
        private boolean stored;
        private boolean released;
        private boolean outcomeUnknown; // the last compare-and-set failed in flight: it may have been applied

        PersistTransition(PoolKey expected, KeyState next, KeyEvent event, Instant at) {
            this.expected = expected;
            this.next = next;
            this.event = event;
            this.at = at;
        }

        @Override
        public void run() {
            try {
                if (!stored && !compareAndSet()) {
                    Optional<PoolKey> current = keys.find(expected.id());
                    boolean ours = outcomeUnknown && current.isPresent() && sameStoredState(current.get().state(), next);
                    if (!ours) {
                        // another instance changed the key first: adopt what the database says
                        release();
                        pool.adopt(expected.id(), current, false);
                        return;
                    }
                    // our write landed but its acknowledgement was lost in an outage
                }
                stored = true;
                events.append(event);
                release();
            } catch (StoreUnavailableException e) {
                throw e; // rerun by the writer; the key stays held
            } catch (RuntimeException e) {
                release();
                throw e;
            }
        }

        private boolean compareAndSet() {
            boolean unknownBefore = outcomeUnknown;
            outcomeUnknown = true;
            boolean swapped = keys.compareAndSetState(expected.id(), expected.status(), next, at);
            outcomeUnknown = unknownBefore && !swapped;
            return swapped;
        }

        private void release() {
            if (!released) {
                released = true;
                pool.releaseWrite(expected.id());
            }
        }
    }

    /** Equal as the database keeps them (it stores times to the millisecond). */
    private static boolean sameStoredState(KeyState a, KeyState b) {
        return a.status() == b.status() && a.resumeStatus() == b.resumeStatus()
                && java.util.Objects.equals(a.lastError(), b.lastError())
                && java.util.Objects.equals(millis(a.cooldownUntil()), millis(b.cooldownUntil()));
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }
}
