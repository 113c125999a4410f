package io.keyrelay.clients;

import java.time.Instant;

/**
 * A key KeyRelay issues to its own clients. Only its SHA-256 hash is stored; {@code maskedKey} is kept for display.
 *
 * @param periodStart  the start of the budget period {@code periodTokens} counts (null: nothing counted yet)
 * @param periodTokens tokens used in that period by every instance, as last written to the database
 */
public record ClientKey(String id, String name, String keyHash, String maskedKey, boolean enabled,
                        ClientKeyControls controls, long requestsCount, long tokensUsed, Instant lastUsedAt,
                        Instant createdAt, Instant periodStart, long periodTokens) {

    /** Controls that hold nothing are {@link ClientKeyControls#NONE} itself, so the proxy checks them by reference. */
    public ClientKey {
        controls = controls.equals(ClientKeyControls.NONE) ? ClientKeyControls.NONE : controls;
    }

    /** Requests per minute, 0 for no limit. */
    public int rpmLimit() {
        return controls.rpmLimit();
    }

    public ClientKey withEnabled(boolean value) {
        return new ClientKey(id, name, keyHash, maskedKey, value, controls, requestsCount, tokensUsed, lastUsedAt,
                createdAt, periodStart, periodTokens);
    }

    public ClientKey withControls(ClientKeyControls value) {
        return new ClientKey(id, name, keyHash, maskedKey, enabled, value, requestsCount, tokensUsed, lastUsedAt,
                createdAt, periodStart, periodTokens);
    }

    /**
     * Tokens the database holds for the period starting at {@code start}: 0 when it holds another period's. The total
     * period ({@link Instant#EPOCH}) is the key's whole life, so its usage from before budgets were counted is in it.
     */
    public long storedTokensIn(Instant start) {
        long counted = start.equals(periodStart) ? periodTokens : 0;
        return start.equals(Instant.EPOCH) ? Math.max(counted, tokensUsed) : counted;
    }
}
