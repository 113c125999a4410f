package io.keyrelay.keys;

import java.time.Instant;

/**
 * The progress of a rotation, kept on the failed key's document so a crash at any step can be finished.
 *
 * @param backupId the claimed backup key, or null before one is claimed
 * @param newKeyId the id the replacement key gets, or null before one is chosen
 */
public record RotationRecord(String failedKeyId, String instance, Instant startedAt, String backupId,
                             String newKeyId, String reason, Integer upstreamStatus) {

    /** The same rotation, now held by {@code other}. */
    public RotationRecord heldBy(String other) {
        return new RotationRecord(failedKeyId, other, startedAt, backupId, newKeyId, reason, upstreamStatus);
    }
}
