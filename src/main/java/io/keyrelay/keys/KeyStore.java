package io.keyrelay.keys;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of pool keys ({@code ohmygpt_keys}). Every state change is conditional (compare-and-set) so that
 * several instances sharing one database agree. Implementations throw {@link StoreUnavailableException} when the
 * database cannot be reached.
 */
public interface KeyStore {

    List<PoolKey> loadAll();

    /** Every key, and which of them have a rotation in progress, in one read. */
    StoredPool loadPool();

    Optional<PoolKey> find(String id);

    /** @throws DuplicateIdException when the id is taken */
    void insert(PoolKey key);

    /** Inserts every key whose id is free, in one write; returns the ids that were already taken. */
    Set<String> insertAll(List<PoolKey> keys);

    /** Inserts unless a key with this id exists; true when inserted. */
    boolean insertIfAbsent(PoolKey key);

    /** Sets the state only if the stored status is still {@code expected}; true when it was changed. */
    boolean compareAndSetState(String id, KeyStatus expected, KeyState next, Instant now);

    /** True when the key existed. */
    boolean setEnableFailover(String id, boolean enableFailover, Instant now);

    /** True when the key existed. */
    boolean delete(String id);

    /** Adds usage deltas ({@code $inc}); keys that no longer exist are skipped. */
    void addUsage(Map<String, UsageDelta> deltas);

    // --- rotation steps (see KeyRotation) ---

    /**
     * Marks the key as being rotated if its stored status is still {@code expected} and no rotation is in progress;
     * true when this caller won. The status guard keeps a failure seen by several instances from rotating a key
     * that one of them has already rotated, exhausted or switched.
     */
    boolean claimRotation(String id, KeyStatus expected, String instance, Instant now, String reason,
                          Integer upstreamStatus);

    /**
     * Records the claimed backup and the replacement's id on the failed key's rotation, once: true when recorded
     * here, false when the rotation already has a backup (another instance finishing it chose first) or is gone.
     */
    boolean recordRotationTarget(String id, String backupId, String newKeyId);

    /** The rotation in progress on this key, if any. */
    Optional<RotationRecord> rotationOf(String id);

    /** Ends a rotation with no backup left: the key becomes {@code state} and loses its rotation record. */
    void finishRotationWithoutBackup(String id, KeyState state, Instant now);

    /** Rotations in progress, started by {@code instance} or before {@code startedBefore}. */
    List<RotationRecord> pendingRotations(String instance, Instant startedBefore);

    /** Rotations in progress held by any of {@code instances}. */
    List<RotationRecord> rotationsHeldBy(Collection<String> instances);

    /**
     * Moves the key's rotation from {@code from} (an instance taken for dead) to {@code to}, if {@code from} still
     * holds it; true when this caller took it over.
     */
    boolean takeOverRotation(String id, String from, String to, Instant now);

    /** The key that replaced {@code failedKeyId}, if one was inserted. */
    Optional<PoolKey> findReplacementOf(String failedKeyId);

    /** The pool key holding this API key, if any (how a backup key is known to be in use). */
    Optional<PoolKey> findByApiKey(String apiKey);
}
