package io.keyrelay.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RotateKey without transactions. The steps are ordered so that a crash after any of them leaves enough on the
 * failed key's document (its rotation record) and on the backup key ({@code usedFor}, {@code activated}) to
 * finish the rotation later, and each step is idempotent:
 * <ol>
 *   <li>claim the failed key (conditional on the status the failing request saw and on no rotation running:
 *       one claimant per failure, across instances);</li>
 *   <li>claim a backup key atomically for it ({@code isUsed}, {@code usedFor}, {@code activated=false});</li>
 *   <li>record the backup's and the replacement's ids on the failed key, once: whoever finishes the rotation
 *       (this instance, its restart, or another instance after the lease) uses that one backup;</li>
 *   <li>insert the replacement (healthy, {@code replacedKey}, {@code enableFailover} = backup's OR failed key's)
 *       unless a key already holds the backup's API key;</li>
 *   <li>mark the backup activated;</li>
 *   <li>delete the failed key.</li>
 * </ol>
 * With no backup left, the failed key becomes exhausted with a cooldown instead.
 */
public final class KeyRotation {
    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);
    private static final int MAX_ID_ATTEMPTS = 10;

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
     * is no longer the one the failing request saw (another instance acted on the same failure first). A rotation
     * this instance started earlier and could not finish (a database error, retried by the writer) is resumed.
     */
    public RotationOutcome rotate(PoolKey seen, EventReason reason, Integer upstreamStatus) {
        Instant now = clock.instant();
        String failedKeyId = seen.id();
        if (keys.claimRotation(failedKeyId, seen.status(), instance, now, reason.wireName(), upstreamStatus)) {
            listener.after(RotationStep.FAILED_KEY_CLAIMED, failedKeyId);
            return finish(new RotationRecord(failedKeyId, instance, now, null, null, reason.wireName(), upstreamStatus));
        }
        return keys.rotationOf(failedKeyId)
                .filter(r -> instance.equals(r.instance()))
                .map(this::finish)
                .orElseGet(RotationOutcome.NotClaimed::new);
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

    /**
     * Finishes the rotations of peers whose heartbeat is older than {@code staleAfter} (taken for dead), each taken
     * over first so that one survivor finishes it; then forgets those peers. Returns the rotations finished here.
     */
    public int takeOverFromDeadPeers(PeerRegistry peers, Duration staleAfter) {
        Instant staleBefore = clock.instant().minus(staleAfter);
        Set<String> dead = peers.lastBeats().entrySet().stream()
                .filter(e -> !e.getKey().equals(instance) && (e.getValue() == null || e.getValue().isBefore(staleBefore)))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        if (dead.isEmpty()) {
            return 0;
        }
        int finished = 0;
        for (RotationRecord r : keys.rotationsHeldBy(dead)) {
            if (keys.takeOverRotation(r.failedKeyId(), r.instance(), instance, clock.instant())) {
                log.warn("instance {} has sent no heartbeat since before {}: finishing its rotation of key={}",
                        r.instance(), staleBefore, r.failedKeyId());
                finish(r.heldBy(instance));
                finished++;
            }
        }
        dead.forEach(peer -> peers.forget(peer, staleBefore));
        return finished;
    }

    private RotationOutcome finish(RotationRecord started) {
        Optional<PoolKey> found = keys.find(started.failedKeyId());
        if (found.isEmpty()) {
            return new RotationOutcome.NotClaimed(); // finished meanwhile, e.g. by another instance after the lease
        }
        PoolKey failed = found.get();
        Instant now = clock.instant();
        RotationRecord record = started;
        if (record.backupId() == null) {
            Optional<BackupKey> candidate = backups.findClaimedFor(failed.id()).or(() -> backups.claimFor(failed.id(), now));
            if (candidate.isEmpty()) {
                return exhaust(failed, record, now);
            }
            listener.after(RotationStep.BACKUP_CLAIMED, failed.id());
            Optional<RotationRecord> recorded = recordTarget(failed, candidate.get());
            if (recorded.isEmpty()) {
                return new RotationOutcome.NotClaimed(); // finished or exhausted elsewhere meanwhile
            }
            record = recorded.get();
        }
        Optional<BackupKey> backup = backups.find(record.backupId());
        if (backup.isEmpty()) {
            log.warn("backup={} claimed for key={} was deleted before the rotation finished", record.backupId(), failed.id());
            return exhaust(failed, record, now);
        }
        BackupKey b = backup.get();
        Optional<PoolKey> replacement = insertReplacement(failed, b, record, now);
        listener.after(RotationStep.REPLACEMENT_INSERTED, failed.id());
        backups.markActivated(b.id());
        listener.after(RotationStep.BACKUP_ACTIVATED, failed.id());
        keys.delete(failed.id());
        listener.after(RotationStep.FAILED_KEY_DELETED, failed.id());
        if (replacement.isEmpty()) {
            return new RotationOutcome.NotClaimed();
        }
        recordRotated(failed, b, replacement.get(), record, now);
        return new RotationOutcome.Rotated(replacement.get(), b);
    }

    /**
     * Records {@code candidate} as the rotation's backup unless another finisher recorded one first; then that one
     * counts and the candidate goes back to the backup pool. Empty when the rotation ended meanwhile.
     */
    private Optional<RotationRecord> recordTarget(PoolKey failed, BackupKey candidate) {
        if (keys.recordRotationTarget(failed.id(), candidate.id(), replacementId(candidate))) {
            listener.after(RotationStep.TARGET_RECORDED, failed.id());
        }
        Optional<RotationRecord> current = keys.rotationOf(failed.id());
        if (!candidate.id().equals(current.map(RotationRecord::backupId).orElse(null))) {
            releaseUnlessInUse(candidate);
        }
        return current.filter(r -> r.backupId() != null);
    }

    /**
     * Inserts the replacement, idempotently: a key already holding the backup's API key is the replacement (inserted
     * before a crash, or by another instance finishing the same rotation); a replacement that was inserted and has
     * since been rotated out itself stays out (empty); an id taken meanwhile moves to the next free one.
     */
    private Optional<PoolKey> insertReplacement(PoolKey failed, BackupKey b, RotationRecord record, Instant now) {
        boolean inherited = b.enableFailover() || failed.enableFailover();
        String id = record.newKeyId() != null ? record.newKeyId() : replacementId(b);
        for (int attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
            Optional<PoolKey> holder = keys.findByApiKey(b.apiKey());
            if (holder.isPresent()) {
                return holder;
            }
            if (keys.findReplacementOf(id).filter(k -> !k.createdAt().isBefore(record.startedAt())).isPresent()) {
                log.info("key={} replaced key={} and was itself rotated out before this rotation finished", id, failed.id());
                return Optional.empty();
            }
            PoolKey replacement = PoolKey.fresh(id, b.apiKey(), inherited, failed.id(), now);
            if (keys.insertIfAbsent(replacement)) {
                return Optional.of(replacement);
            }
            id = replacementId(b);
        }
        throw new IllegalStateException("no free id for the replacement of key " + failed.id() + " from backup " + b.id());
    }

    private void recordRotated(PoolKey failed, BackupKey b, PoolKey replacement, RotationRecord record, Instant now) {
        boolean inherited = replacement.enableFailover();
        String detail = "replaced by " + replacement.id() + " from backup " + b.id() + "; enableFailover=" + inherited
                + " (backup " + b.enableFailover() + " OR failed key " + failed.enableFailover() + ")";
        log.info("rotated key={} -> key={} backup={} enableFailover={} (backup={} OR failed={}) reason={}",
                failed.id(), replacement.id(), b.id(), inherited, b.enableFailover(), failed.enableFailover(), record.reason());
        events.append(new KeyEvent(failed.id(), failed.status().wireName(), null, EventReason.ROTATED_OUT.wireName(),
                record.upstreamStatus(), detail, instance, now));
        events.append(new KeyEvent(replacement.id(), null, KeyStatus.HEALTHY.wireName(), EventReason.ROTATED_IN.wireName(),
                record.upstreamStatus(), "replaces " + failed.id() + "; enableFailover=" + inherited, instance, now));
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
     * Backups claimed but never activated whose rotation no longer counts on them: activated if a pool key holds
     * their API key, otherwise put back in the pool, so no backup key is ever lost.
     */
    private int releaseOrphanedBackups(Instant claimedBefore) {
        int handled = 0;
        for (BackupKey b : backups.claimedNotActivated(claimedBefore)) {
            Optional<RotationRecord> rotation = keys.rotationOf(b.usedFor());
            if (rotation.isPresent() && (rotation.get().backupId() == null || rotation.get().backupId().equals(b.id()))) {
                continue; // its rotation is still running or will be finished by recover()
            }
            releaseUnlessInUse(b);
            handled++;
        }
        return handled;
    }

    private void releaseUnlessInUse(BackupKey b) {
        if (keys.findByApiKey(b.apiKey()).isPresent()) {
            backups.markActivated(b.id());
        } else {
            backups.restore(b);
            log.info("backup={} was claimed for key={} by an interrupted or overtaken rotation; returned to the pool",
                    b.id(), b.usedFor());
        }
    }
}
