package io.keyrelay.keys;

import java.time.Instant;

/**
 * One recorded state change of a pool key.
 *
 * @param from           the status before, or null when the key was created
 * @param to             the status after, or null when the key was removed
 * @param upstreamStatus the HTTP status that caused it, or null for operator and timer actions
 * @param detail         free text for people (for a rotation: the replacement's id and the inherited setting)
 */
public record KeyEvent(
        String keyId,
        String from,
        String to,
        String reason,
        Integer upstreamStatus,
        String detail,
        String instance,
        Instant at) {
}
