package io.keyrelay.proxy;

import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.ErrorKind;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Errors to proxy clients, always in their own API's format. */
final class Responses {
    private Responses() {
    }

    /**
     * What a client hears when no attempt is left, or no key to make one with: 503 with {@code Retry-After} (the
     * soonest end of a cooldown, or a minute) when keys refused or none was there; 504 or 502 when the upstream timed
     * out or failed on every attempt.
     */
    static void afterLastAttempt(HttpServerResponse resp, Dialect dialect, LastFailure why, Optional<Instant> soonestRecovery,
                                 Instant now) {
        switch (why) {
            case KEY_REFUSED, RATE_LIMITED, NONE -> {
                long seconds = soonestRecovery
                        .map(at -> Math.max(1, (Duration.between(now, at).toMillis() + 999) / 1000))
                        .orElse(60L);
                resp.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
                error(resp, dialect, ErrorKind.NO_KEY_AVAILABLE,
                        "No upstream key is available right now; retry after " + seconds + " s");
            }
            case TIMEOUT -> error(resp, dialect, ErrorKind.TIMEOUT, "The upstream did not answer in time");
            case UPSTREAM_5XX, CONNECT -> error(resp, dialect, ErrorKind.UPSTREAM_ERROR,
                    "The upstream failed to answer; please retry");
        }
    }

    static void error(HttpServerResponse resp, Dialect dialect, ErrorKind kind, String message) {
        error(resp, dialect, kind.status(), kind, message);
    }

    static void error(HttpServerResponse resp, Dialect dialect, int status, ErrorKind kind, String message) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        resp.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(dialect.errorBody(kind, message));
    }
}
