package io.keyrelay.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One upstream API key of the pool, as stored in {@code ohmygpt_keys}. Immutable: a state change makes a new value.
 *
 * @param resumeStatus the status the key returns to when its cooldown ends ({@code using_failover} for a key
 *                     rate-limited while on the failover endpoint, {@code healthy} otherwise)
 */
public record PoolKey(
        String id,
        String apiKey,
        KeyStatus status,
        boolean enableFailover,
        Instant cooldownUntil,
        KeyStatus resumeStatus,
        String lastError,
        String replacedKey,
        long tokensUsed,
        long requestsCount,
        Instant lastUsedAt,
        Instant createdAt,
        Instant updatedAt) {

    /** How long a key the original system left in {@code error} without a cooldown rests after its last update. */
    public static final Duration LEGACY_ERROR_REST = Duration.ofSeconds(30);

    public PoolKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(status, "status");
        resumeStatus = resumeStatus == KeyStatus.USING_FAILOVER ? KeyStatus.USING_FAILOVER : KeyStatus.HEALTHY;
    }

    /** A new healthy key, as an operator adds it or a rotation activates it. */
    public static PoolKey fresh(String id, String apiKey, boolean enableFailover, String replacedKey, Instant now) {
        return new PoolKey(id, apiKey, KeyStatus.HEALTHY, enableFailover, null, KeyStatus.HEALTHY, null,
                replacedKey, 0, 0, null, now, now);
    }

    /** Available: healthy or using_failover, or any status whose cooldown has passed. */
    public boolean isAvailable(Instant now) {
        return status.servesRequests() || cooldownOver(now);
    }

    /** The status the key behaves as right now: a passed cooldown counts as already recovered. */
    public KeyStatus effectiveStatus(Instant now) {
        if (status.servesRequests() || !cooldownOver(now)) {
            return status;
        }
        return resumeStatus;
    }

    public boolean usesFailoverEndpoint(Instant now) {
        return effectiveStatus(now) == KeyStatus.USING_FAILOVER;
    }

    public boolean cooldownOver(Instant now) {
        Instant back = recoversAt();
        return back != null && !now.isBefore(back);
    }

    /**
     * When the key serves again by itself: its cooldown's end; for a key left in {@code error} by the original system
     * without one, {@link #LEGACY_ERROR_REST} after its last update (as the original did). Null when neither applies.
     */
    public Instant recoversAt() {
        if (cooldownUntil != null) {
            return cooldownUntil;
        }
        if (status == KeyStatus.ERROR) {
            return updatedAt == null ? Instant.EPOCH : updatedAt.plus(LEGACY_ERROR_REST);
        }
        return null;
    }

    public PoolKey withState(KeyState state, Instant now) {
        return new PoolKey(id, apiKey, state.status(), enableFailover, state.cooldownUntil(), state.resumeStatus(),
                state.lastError(), replacedKey, tokensUsed, requestsCount, lastUsedAt, createdAt, now);
    }

    public PoolKey withEnableFailover(boolean value, Instant now) {
        return new PoolKey(id, apiKey, status, value, cooldownUntil, resumeStatus, lastError, replacedKey,
                tokensUsed, requestsCount, lastUsedAt, createdAt, now);
    }

    /** Same state and setting: counters and timestamps may differ between two reads of one key. */
    public boolean sameStateAs(PoolKey other) {
        return status == other.status && resumeStatus == other.resumeStatus && enableFailover == other.enableFailover
                && apiKey.equals(other.apiKey) && Objects.equals(cooldownUntil, other.cooldownUntil);
    }

    public KeyState state() {
        return new KeyState(status, cooldownUntil, resumeStatus, lastError);
    }

    public String maskedApiKey() {
        return ApiKeys.mask(apiKey);
    }

    @Override
    public String toString() {
        return "PoolKey[" + id + " " + status + " failover=" + enableFailover + " key=" + maskedApiKey() + "]";
    }
}
