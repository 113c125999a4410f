package io.keyrelay.keys;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each upstream API key already is: in the key pool or unused in the backup pool. An upstream key must be in
 * one place only, or it would be counted twice or handed out again by a rotation. Used backup keys are history
 * (their key now lives in the pool under the replacement's id, or is gone) and do not count.
 */
public final class ApiKeyInventory {
    private final Map<String, String> holders = new HashMap<>();

    private ApiKeyInventory() {
    }

    public static ApiKeyInventory load(KeyStore keys, BackupKeyStore backups) {
        ApiKeyInventory inventory = new ApiKeyInventory();
        keys.loadAll().forEach(k -> inventory.holders.putIfAbsent(k.apiKey(), "key pool as '" + k.id() + "'"));
        backups.loadAll().stream().filter(b -> !b.isUsed())
                .forEach(b -> inventory.holders.putIfAbsent(b.apiKey(), "backup pool as '" + b.id() + "'"));
        return inventory;
    }

    /** Where the key is, e.g. "key pool as 'k1'"; empty when it is nowhere. */
    public Optional<String> holderOf(String apiKey) {
        return Optional.ofNullable(holders.get(apiKey));
    }

    /** @throws KeyConflictException when the key is already held */
    public void requireAbsent(String apiKey) {
        holderOf(apiKey).ifPresent(where -> {
            throw new KeyConflictException("This API key is already in the " + where);
        });
    }

    void hold(String apiKey, String where) {
        holders.putIfAbsent(apiKey, where);
    }
}
