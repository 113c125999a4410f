package io.keyrelay.keytest;

import io.keyrelay.keys.FailureClass;

/**
 * What one endpoint answered a key test.
 *
 * @param failover      whether it was the failover endpoint
 * @param status        the HTTP status, or null when no answer came (no connection, no answer in time)
 * @param failureClass  the answer as the proxy's classifier reads it
 * @param ms            from sending to the end of the answer (or to giving up)
 * @param message       the upstream's error message, or why no answer came, sanitised as clients get it; null on
 *                      success
 */
public record EndpointResult(boolean failover, Integer status, FailureClass failureClass, long ms, String message) {
}
