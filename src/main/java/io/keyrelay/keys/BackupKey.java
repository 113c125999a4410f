package io.keyrelay.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A key of the backup pool ({@code ohmygpt_backup_keys}), waiting to replace a failed pool key. */
public record BackupKey(
        String id,
        String apiKey,
        boolean enableFailover,
        boolean isUsed,
        boolean activated,
        String usedFor,
        Instant usedAt,
        Instant createdAt) {

    public BackupKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(apiKey, "apiKey");
    }

    public static BackupKey fresh(String id, String apiKey, boolean enableFailover, Instant now) {
        return new BackupKey(id, apiKey, enableFailover, false, false, null, null, now);
    }

    /** When a used backup key is deleted; empty while it is unused. */
    public Instant deletesAt(Duration retention) {
        return isUsed && usedAt != null ? usedAt.plus(retention) : null;
    }

    public String maskedApiKey() {
        return ApiKeys.mask(apiKey);
    }

    @Override
    public String toString() {
        return "BackupKey[" + id + " used=" + isUsed + " key=" + maskedApiKey() + "]";
    }
}
