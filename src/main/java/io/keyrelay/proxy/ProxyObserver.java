package io.keyrelay.proxy;

import io.keyrelay.upstream.Endpoint;
import io.vertx.core.http.HttpServerRequest;

/**
 * What the proxy reports about its requests, for metrics. Called on the event loop for every request, so an
 * implementation must be cheap (meters resolved in advance, no string building) and must never block.
 */
public interface ProxyObserver {

    /** Observes nothing. */
    ProxyObserver NONE = new ProxyObserver() {
    };

    /**
     * An attempt is about to go to {@code endpoint}; {@code attempt} counts from 1, so 2 and on are retries.
     *
     * @return the attempt's start, to pass to {@link #upstreamAnswered}
     */
    default long attemptStarted(Endpoint endpoint, int attempt) {
        return System.nanoTime();
    }

    /** The upstream sent its response head with {@code status}, or failed before that ({@code status} 0). */
    default void upstreamAnswered(Endpoint endpoint, int status, long startedNanos) {
    }

    /**
     * A client request's response has ended, or its connection closed before it did.
     *
     * @param route       the route it was sent to
     * @param endpoint    the endpoint of the last attempt, or null when no attempt was made
     * @param clientKeyId the authenticated client key, or null when the request was rejected before that
     */
    default void requestEnded(ClientRoute route, HttpServerRequest req, Endpoint endpoint, String clientKeyId) {
    }
}
