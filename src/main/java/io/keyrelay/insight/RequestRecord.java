package io.keyrelay.insight;

import java.time.Instant;
import java.util.List;

/**
 * One proxied request as the request log keeps it (SPEC §5a).
 *
 * @param at          when it arrived
 * @param route       the client route's pattern, e.g. {@code /v1/messages}
 * @param model       the model the client named (body, or path for {@code /v1/models/{id}}); null when none
 * @param clientKeyId the client key, or null when the request was refused before one was accepted
 * @param attempts    the upstream attempts in order; empty when none was made
 * @param status      the status the client got; 499 when it left before the answer ended
 * @param firstByteMs from arrival to the answer's first byte (to the end, for answers KeyRelay wrote itself)
 * @param totalMs     from arrival to the answer's end
 */
public record RequestRecord(Instant at, String route, String model, boolean stream, String clientKeyId,
                            List<AttemptRecord> attempts, int status, long firstByteMs, long totalMs,
                            long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {

    /** The pool key of the last attempt (the one that served it, or refused it last); null when none was tried. */
    public String lastKeyId() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).keyId();
    }

    /** Whether the client got anything but a 2xx or 3xx answer. */
    public boolean failed() {
        return status < 200 || status >= 400;
    }
}
