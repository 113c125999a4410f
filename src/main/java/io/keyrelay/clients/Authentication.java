package io.keyrelay.clients;

import java.time.Duration;

/** The outcome of checking a client's key on a proxy request. */
public sealed interface Authentication {

    record Accepted(ClientKey key) implements Authentication {
    }

    /** Missing, unknown or disabled: 401. */
    record Rejected(String message) implements Authentication {
    }

    /** Over its requests-per-minute limit: 429 with Retry-After. */
    record Limited(ClientKey key, Duration retryAfter) implements Authentication {
    }
}
