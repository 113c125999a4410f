package io.keyrelay.clients;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** The outcome of checking a client's key on a proxy request. */
public sealed interface Authentication {

    /** Admitted: the request counts toward the key's controls, and {@link ClientKeys#finished} follows its end. */
    record Accepted(ClientKey key) implements Authentication {
    }

    /** Missing, unknown, disabled or expired: 401. */
    record Rejected(String message) implements Authentication {
    }

    /** Over its requests- or tokens-per-minute limit: 429 with Retry-After. */
    record Limited(ClientKey key, Duration retryAfter, String message) implements Authentication {
    }

    /** To be checked again once {@code ready}: more of its shared per-minute limit is being claimed right now. */
    record Pending(ClientKey key, CompletionStage<Void> ready) implements Authentication {
    }

    /** Its token budget for the period is used up: 429 that retrying cannot fix before {@code retryAfter}. */
    record OverBudget(ClientKey key, Duration retryAfter, String message) implements Authentication {
    }
}
