package io.keyrelay.proxy;

import io.keyrelay.keys.FailureClass;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Why a request's last attempt failed: what the client is told when no attempt is left. */
enum LastFailure {
    NONE, KEY_REFUSED, RATE_LIMITED, UPSTREAM_5XX, CONNECT, TIMEOUT;

    /** For an answer the upstream refused. */
    static LastFailure of(FailureClass failure) {
        return switch (failure) {
            case RATE_LIMIT -> RATE_LIMITED;
            case TRANSIENT -> UPSTREAM_5XX;
            default -> KEY_REFUSED;
        };
    }

    /** For an attempt that got no answer head. */
    static LastFailure of(Throwable cause) {
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        boolean timeout = cause instanceof TimeoutException || message.contains("timeout") || message.contains("timed out");
        return timeout ? TIMEOUT : CONNECT;
    }
}
