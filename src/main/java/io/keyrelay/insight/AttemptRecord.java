package io.keyrelay.insight;

/**
 * One try of a request, as the request log keeps it.
 *
 * @param failover whether it went to the failover endpoint
 * @param status   the upstream's status, or 0 when no answer came (no connection, a broken one, a timeout)
 * @param ms       from sending to the answer's head or the failure
 */
public record AttemptRecord(String keyId, boolean failover, int status, long ms) {
}
