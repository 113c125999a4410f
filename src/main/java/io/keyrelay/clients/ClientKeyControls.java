package io.keyrelay.clients;

import java.time.Instant;

/**
 * What a client key may do (SPEC §5a): requests and tokens per minute, a token budget per period, an expiry and the
 * models it may use. A limit or budget of 0 means none; {@code expiresAt} null means never.
 */
public record ClientKeyControls(int rpmLimit, long tpmLimit, long tokenBudget, BudgetPeriod budgetPeriod,
                                Instant expiresAt, ModelPatterns allowedModels) {
    public static final ClientKeyControls NONE = new ClientKeyControls(0, 0, 0, BudgetPeriod.TOTAL, null, ModelPatterns.ANY);

    public ClientKeyControls withRpmLimit(int value) {
        return new ClientKeyControls(value, tpmLimit, tokenBudget, budgetPeriod, expiresAt, allowedModels);
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
