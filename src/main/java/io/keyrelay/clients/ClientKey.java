package io.keyrelay.clients;

import java.time.Instant;

/**
 * A key KeyRelay issues to its own clients. Only its SHA-256 hash is stored; {@code maskedKey} is kept for display.
 *
 * @param rpmLimit requests per minute, 0 for no limit
 */
public record ClientKey(String id, String name, String keyHash, String maskedKey, boolean enabled, int rpmLimit,
                        long requestsCount, long tokensUsed, Instant lastUsedAt, Instant createdAt) {

    public ClientKey withEnabled(boolean value) {
        return new ClientKey(id, name, keyHash, maskedKey, value, rpmLimit, requestsCount, tokensUsed, lastUsedAt, createdAt);
    }

    public ClientKey withRpmLimit(int value) {
        return new ClientKey(id, name, keyHash, maskedKey, enabled, value, requestsCount, tokensUsed, lastUsedAt, createdAt);
    }
}
