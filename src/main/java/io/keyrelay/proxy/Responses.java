package io.keyrelay.proxy;

import io.keyrelay.edge.EarlyAnswers;
import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.ErrorKind;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Errors to proxy clients, always in their own API's format; those that retrying cannot fix carry
 * {@code x-should-retry: false}, so SDKs and Claude Code stop at once instead of retrying for minutes.
 */
final class Responses {
    private static final CharSequence SHOULD_RETRY = HttpHeaders.createOptimized("x-should-retry");
    private static final CharSequence FALSE = HttpHeaders.createOptimized("false");

    private Responses() {
    }

    /** An error for {@code request}, given before its body was read: the connection closes, so the body is not read. */
    static void beforeBody(ClientRequest request, int status, ErrorKind kind, String message) {
        EarlyAnswers.closeIfBodyPending(request.http());
        error(request, status, kind, message);
    }

    /**
     * 429 for the client key's own limit or budget, before the body is read: retrying at once only adds to it, so
     * {@code x-should-retry: false}, with {@code Retry-After} when the limit resets (null: it never does).
     */
    static void clientLimit(ClientRequest request, Duration retryAfter, ErrorKind kind, String message) {
        HttpServerResponse resp = request.http().response();
        if (retryAfter != null) {
            resp.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        resp.putHeader(SHOULD_RETRY, FALSE);
        beforeBody(request, 429, kind, message);
    }

    /** 503 before the body is read: the bodies buffered at once would go over the budget; retrying soon may fit. */
    static void bodyBudgetFull(ClientRequest request) {
        request.http().response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        beforeBody(request, 503, ErrorKind.NO_KEY_AVAILABLE,
                "KeyRelay is receiving too many request bodies at once; retry shortly");
    }

    static void error(ClientRequest request, int status, ErrorKind kind, String message) {
        error(request.http().response(), request.dialect(), status, kind, message);
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
        if (cannotBeFixedByRetrying(status)) {
            resp.putHeader(SHOULD_RETRY, FALSE);
        }
        resp.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(dialect.errorBody(kind, message));
    }

    /** 400, 401, 403, 404, 405, 413 and 415: the same request gets the same answer (SPEC §2). */
    static boolean cannotBeFixedByRetrying(int status) {
        return switch (status) {
            case 400, 401, 403, 404, 405, 413, 415 -> true;
            default -> false;
        };
    }
}
