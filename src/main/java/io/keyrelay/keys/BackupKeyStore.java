package io.keyrelay.keys;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Persistence of the backup pool ({@code ohmygpt_backup_keys}). */
public interface BackupKeyStore {

    List<BackupKey> loadAll();

    Optional<BackupKey> find(String id);

    /** @throws DuplicateIdException when the id is taken */
    void insert(BackupKey key);

    /** Inserts every key whose id is free, in one write; returns the ids that were already taken. */
    Set<String> insertAll(List<BackupKey> keys);

    boolean setEnableFailover(String id, boolean enableFailover);

    boolean delete(String id);

    /**
     * Puts a key back in the pool as unused, only if it is still as {@code seen} ({@code isUsed}, {@code activated},
     * {@code usedFor}), so a restore never erases a claim a rotation made meanwhile; true when restored.
     */
    boolean restore(BackupKey seen);

    /**
     * Atomically takes the oldest unused backup key for {@code failedKeyId}: {@code isUsed} true, {@code activated}
     * false, {@code usedFor}, {@code usedAt}. Empty when none is left.
     */
    Optional<BackupKey> claimFor(String failedKeyId, Instant now);

    /** The backup claimed for {@code failedKeyId} but not yet activated, left by an interrupted rotation. */
    Optional<BackupKey> findClaimedFor(String failedKeyId);

    /** Marks a claimed key as activated in the pool. */
    void markActivated(String id);

    /** Claimed but never activated backups, claimed before {@code claimedBefore}. */
    List<BackupKey> claimedNotActivated(Instant claimedBefore);

    /** Deletes used keys whose use is older than {@code usedBefore}; returns how many. */
    long deleteUsedBefore(Instant usedBefore);

    long countAvailable();
}
