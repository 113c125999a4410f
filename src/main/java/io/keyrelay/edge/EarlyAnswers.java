package io.keyrelay.edge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers given before a request's body was read (a refusal from its head alone, a timeout): the answer says
 * {@code Connection: close}, and the connection is closed once the body has ended or, at the latest, {@link #LINGER_MS}
 * after the answer was written. Closing at once would lose the answer for a client still sending (its unread bytes
 * make the close a reset, and the reset discards the answer); left open, the server would wait for a body that never
 * comes. What arrives meanwhile is read and dropped, nothing of it kept.
 */
public final class EarlyAnswers {
    static final long LINGER_MS = 2_000;

    private EarlyAnswers() {
    }

    /** Call before answering: if the body has not all arrived, the connection closes after the answer. */
    public static void closeIfBodyPending(HttpServerRequest req) {
        if (!req.isEnded()) {
            closeAfterAnswer(req);
        }
    }

    /** Call before answering: the connection closes after the answer (and at most {@link #LINGER_MS} later). */
    public static void closeAfterAnswer(HttpServerRequest req) {
        req.response().putHeader(HttpHeaders.CONNECTION, "close");
        HttpConnection connection = req.connection();
        Vertx vertx = Vertx.currentContext() == null ? null : Vertx.currentContext().owner();
        req.response().bodyEndHandler(v -> {
            if (req.isEnded() || vertx == null) {
                connection.close();
            } else {
                vertx.setTimer(LINGER_MS, t -> connection.close());
            }
        });
    }
}
