package io.keyrelay.admin;

import io.keyrelay.clients.BudgetPeriod;
import io.keyrelay.clients.ClientKeyControls;
import io.keyrelay.clients.ModelPatterns;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A client key's controls as the admin API takes them (SPEC §5a): each field checked with the usual 400 details, and
 * applied on top of the key's current controls (creation starts from none).
 */
final class ClientKeyInput {
    static final String[] FIELDS = {"rpmLimit", "tpmLimit", "tokenBudget", "budgetPeriod", "expiresAt", "allowedModels"};
    static final int RPM_MAX = 1_000_000;
    static final long TPM_MAX = 1_000_000_000L;
    static final long BUDGET_MAX = 1_000_000_000_000_000L;

    private ClientKeyInput() {
    }

    /** Whether {@code in} names any control. */
    static boolean hasAny(Input in) {
        for (String f : FIELDS) {
            if (in.has(f)) {
                return true;
            }
        }
        return false;
    }

    /** Reads the controls {@code in} names; problems go to {@code in}. */
    static UnaryOperator<ClientKeyControls> read(Input in) {
        Optional<Integer> rpm = in.optionalInt("rpmLimit", 0, RPM_MAX);
        Optional<Long> tpm = in.optionalLong("tpmLimit", 0, TPM_MAX);
        Optional<Long> budget = in.optionalLong("tokenBudget", 0, BUDGET_MAX);
        Optional<BudgetPeriod> period = in.optionalText("budgetPeriod", 1, 10).map(p -> BudgetPeriod.fromWireName(p)
                .orElseGet(() -> in.fail("budgetPeriod", "Expected total, day or month")));
        boolean clearExpiry = in.isNull("expiresAt");
        Optional<Instant> expires = clearExpiry ? Optional.empty() : in.optionalInstant("expiresAt");
        Optional<ModelPatterns> models = in.optionalTexts("allowedModels", ModelPatterns.MAX_PATTERNS,
                ModelPatterns.MAX_PATTERN_LENGTH).map(ModelPatterns::new);
        return c -> new ClientKeyControls(rpm.orElse(c.rpmLimit()), tpm.orElse(c.tpmLimit()),
                budget.orElse(c.tokenBudget()), period.orElse(c.budgetPeriod()),
                clearExpiry ? null : expires.orElse(c.expiresAt()), models.orElse(c.allowedModels()));
    }
}
