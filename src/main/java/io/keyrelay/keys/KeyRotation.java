package io.keyrelay.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RotateKey without transactions. The steps are ordered so that a crash after any of them leaves enough on the
 * failed key's document (its rotation record) and on the backup key ({@code usedFor}, {@code activated}) to
 * finish the rotation later, and each step is idempotent:
 * <ol>
 *   <li>claim the failed key (conditional: only one claimant per key, across instances);</li>
 *   <li>claim a backup key atomically for it ({@code isUsed}, {@code usedFor}, {@code activated=false});</li>
 *   <li>record the backup's and the replacement's ids on the failed key;</li>
 *   <li>insert the replacement (healthy, {@code replacedKey}, {@code enableFailover} = backup's OR failed key's);</li>
 *   <li>mark the backup activated;</li>
 *   <li>delete the failed key.</li>
 * </ol>
 * With no backup left, the failed key becomes exhausted with a cooldown instead.
 */
public final class KeyRotation {
    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

    private final KeyStore keys;
    private final BackupKeyStore backups;
    private final EventLog events;
    private final Clock clock;
    private final String instance;
    private final Duration exhaustedCooldown;
    private final RotationStep.Listener listener;

    public KeyRotation(KeyStore keys, BackupKeyStore backups, EventLog events, Clock clock, String instance,
                       Duration exhaustedCooldown, RotationStep.Listener listener) {
        this.keys = keys;
        this.backups = backups;
        this.events = events;
        this.clock = clock;
        this.instance = instance;
        this.exhaustedCooldown = exhaustedCooldown;
        this.listener = listener;
    }

    /**
     * Rotates the key that failed as {@code seen}, unless someone else already is, it is gone, or its stored status
     * is no longer the one the failing request saw (another instance acted on the same failure first).
     */
    public RotationOutcome rotate(PoolKey seen, EventReason reason, Integer upstreamStatus) {
        Instant now = clock.instant();
        String failedKeyId = seen.id();
        if (!keys.claimRotation(failedKeyId, seen.status(), instance, now, reason.wireName(), upstreamStatus)) {
            return new RotationOutcome.NotClaimed();
        }
        listener.after(RotationStep.FAILED_KEY_CLAIMED, failedKeyId);
        return finish(new RotationRecord(failedKeyId, instance, now, null, null, reason.wireName(), upstreamStatus));
    }

    /** Finishes rotations this instance left (after a crash) or that others left longer than {@code lease} ago. */
    public int recover(boolean includeOwn, Duration lease) {
        Instant staleBefore = clock.instant().minus(lease);
        List<RotationRecord> pending = keys.pendingRotations(includeOwn ? instance : null, staleBefore);
        for (RotationRecord r : pending) {
            log.info("finishing interrupted rotation of key={} started by {} at {}", r.failedKeyId(), r.instance(), r.startedAt());
            finish(r);
        }
        return pending.size() + releaseOrphanedBackups(staleBefore);
    }

    private RotationOutcome finish(RotationRecord record) {
        Optional<PoolKey> found = keys.find(record.failedKeyId());
        if (found.isEmpty()) {
            return new RotationOutcome.NotClaimed();
        }
        PoolKey failed = found.get();
        Instant now = clock.instant();
        String newKeyId = record.newKeyId();
        Optional<BackupKey> backup = record.backupId() == null ? Optional.empty() : backups.find(record.backupId());
        if (backup.isEmpty()) {
            backup = backups.findClaimedFor(failed.id()).or(() -> backups.claimFor(failed.id(), now));
            if (backup.isEmpty()) {
                return exhaust(failed, record, now);
            }
            listener.after(RotationStep.BACKUP_CLAIMED, failed.id());
            newKeyId = replacementId(backup.get());
            keys.recordRotationTarget(failed.id(), backup.get().id(), newKeyId);
            listener.after(RotationStep.TARGET_RECORDED, failed.id());
        }
        BackupKey b = backup.get();
        boolean inherited = b.enableFailover() || failed.enableFailover();
        PoolKey replacement = PoolKey.fresh(newKeyId, b.apiKey(), inherited, failed.id(), now);
        keys.insertIfAbsent(replacement);
        listener.after(RotationStep.REPLACEMENT_INSERTED, failed.id());
        backups.markActivated(b.id());
        listener.after(RotationStep.BACKUP_ACTIVATED, failed.id());
        keys.delete(failed.id());
        listener.after(RotationStep.FAILED_KEY_DELETED, failed.id());

        String detail = "replaced by " + newKeyId + " from backup " + b.id() + "; enableFailover=" + inherited
                + " (backup " + b.enableFailover() + " OR failed key " + failed.enableFailover() + ")";
        log.info("rotated key={} -> key={} backup={} enableFailover={} (backup={} OR failed={}) reason={}",
                failed.id(), newKeyId, b.id(), inherited, b.enableFailover(), failed.enableFailover(), record.reason());
        events.append(new KeyEvent(failed.id(), failed.status().wireName(), null, EventReason.ROTATED_OUT.wireName(),
                record.upstreamStatus(), detail, instance, now));
        events.append(new KeyEvent(newKeyId, null, KeyStatus.HEALTHY.wireName(), EventReason.ROTATED_IN.wireName(),
                record.upstreamStatus(), "replaces " + failed.id() + "; enableFailover=" + inherited, instance, now));
        return new RotationOutcome.Rotated(keys.find(newKeyId).orElse(replacement), b);
    }

    private RotationOutcome exhaust(PoolKey failed, RotationRecord record, Instant now) {
        KeyState exhausted = new KeyState(KeyStatus.EXHAUSTED, now.plus(exhaustedCooldown), failed.resumeStatus(),
                "No backup key left to replace this key");
        keys.finishRotationWithoutBackup(failed.id(), exhausted, now);
        log.warn("key={} {} -> exhausted: no backup key left (cooldown until {})", failed.id(), failed.status(), exhausted.cooldownUntil());
        events.append(new KeyEvent(failed.id(), failed.status().wireName(), KeyStatus.EXHAUSTED.wireName(),
                EventReason.NO_BACKUP_LEFT.wireName(), record.upstreamStatus(), "cooldown until " + exhausted.cooldownUntil(),
                instance, now));
        return new RotationOutcome.Exhausted(failed.withState(exhausted, now));
    }

    /** The backup's id, unless a pool key already has it; then the first free {@code id-N}. */
    private String replacementId(BackupKey backup) {
        String id = backup.id();
        for (int n = 2; keys.find(id).isPresent(); n++) {
            id = backup.id() + "-" + n;
        }
        return id;
    }

    /**
     * Backups claimed but never activated, whose rotation record is gone: activated if their replacement exists,
     * otherwise put back in the pool, so no backup key is ever lost.
     */
    private int releaseOrphanedBackups(Instant claimedBefore) {
        int handled = 0;
        for (BackupKey b : backups.claimedNotActivated(claimedBefore)) {
            Optional<PoolKey> failed = keys.find(b.usedFor());
            if (failed.isPresent() && keys.pendingRotations(null, Instant.MAX).stream()
                    .anyMatch(r -> r.failedKeyId().equals(b.usedFor()))) {
                continue;
            }
            boolean inUse = keys.findReplacementOf(b.usedFor()).filter(k -> k.apiKey().equals(b.apiKey())).isPresent();
            if (inUse) {
                backups.markActivated(b.id());
            } else {
                backups.restore(b.id());
                log.info("backup={} was claimed for key={} by an interrupted rotation; returned to the pool", b.id(), b.usedFor());
            }
            handled++;
        }
        return handled;
    }
}
