package io.keyrelay.keys;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on the backup pool. Written to the database directly (the pool of this instance does not hold
 * backup keys: rotations claim them from the database). Callers run them off the event loop.
 */
public final class BackupKeyAdministration {
    private static final Logger log = LoggerFactory.getLogger(BackupKeyAdministration.class);

    /** The backup pool as read at {@code readAt}. */
    public record Listed(List<BackupKey> keys, Instant readAt) {
    }

    private final KeyStore keys;
    private final BackupKeyStore backups;
    private final Clock clock;
    private volatile Listed lastList;

    public BackupKeyAdministration(KeyStore keys, BackupKeyStore backups, Clock clock) {
        this.keys = keys;
        this.backups = backups;
        this.clock = clock;
    }

    /**
     * @throws DuplicateIdException when the id is taken
     * @throws KeyConflictException when the API key is already in the key pool or the backup pool
     */
    public BackupKey add(String id, String apiKey, boolean enableFailover) {
        ApiKeyInventory.load(keys, backups).requireAbsent(apiKey);
        BackupKey key = BackupKey.fresh(id, apiKey, enableFailover, clock.instant());
        backups.insert(key);
        log.info("backup={} added by operator (enableFailover={}, apiKey={})", id, enableFailover, key.maskedApiKey());
        return key;
    }

    /**
     * Adds every candidate that is new by id and by API key, in one write; the others are reported with the reason.
     */
    public KeyImport.Report importAll(List<KeyImport.Candidate> candidates) {
        Set<String> takenIds = new HashSet<>();
        backups.loadAll().forEach(b -> takenIds.add(b.id()));
        KeyImport.Plan plan = KeyImport.plan(KeyImport.Target.BACKUP_POOL, candidates, takenIds,
                ApiKeyInventory.load(keys, backups));
        Instant now = clock.instant();
        KeyImport.Report report = plan.inserted(backups.insertAll(plan.accepted().stream()
                .map(c -> BackupKey.fresh(c.id(), c.apiKey(), c.enableFailover(), now)).toList()));
        log.info("backup import by operator: {} added, {} skipped", report.addedIds().size(), report.skipped().size());
        return report;
    }

    public Optional<BackupKey> setEnableFailover(String id, boolean enableFailover) {
        if (!backups.setEnableFailover(id, enableFailover)) {
            return Optional.empty();
        }
        log.info("backup={} enableFailover set to {} by operator", id, enableFailover);
        return backups.find(id);
    }

    public boolean delete(String id) {
        boolean deleted = backups.delete(id);
        if (deleted) {
            log.info("backup={} deleted by operator", id);
        }
        return deleted;
    }

    /**
     * Back to unused, so a rotation may hand it out again.
     *
     * @throws KeyConflictException while a rotation is activating it, or while its key serves in the key pool
     *                              (it would then be in the pool twice)
     */
    public Optional<BackupKey> restore(String id) {
        Optional<BackupKey> found = backups.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        BackupKey b = found.get();
        if (b.isUsed() && !b.activated()) {
            throw new KeyConflictException("A rotation is activating this backup key right now; try again shortly");
        }
        Optional<PoolKey> serving = keys.loadAll().stream().filter(k -> k.apiKey().equals(b.apiKey())).findFirst();
        if (serving.isPresent()) {
            throw new KeyConflictException("This backup key serves in the key pool as '" + serving.get().id()
                    + "'; delete that key first");
        }
        if (!backups.restore(b)) {
            throw new KeyConflictException("This backup key changed while it was being restored; reload and try again");
        }
        log.info("backup={} restored to unused by operator", id);
        return backups.find(id);
    }

    /** The backup pool as stored, oldest first; remembered for reads while the database is down. */
    public List<BackupKey> list() {
        List<BackupKey> keys = backups.loadAll();
        lastList = new Listed(keys, clock.instant());
        return keys;
    }

    /** The backup pool as {@link #list} last read it, and when; empty before the first read. */
    public Optional<Listed> lastList() {
        return Optional.ofNullable(lastList);
    }
}
