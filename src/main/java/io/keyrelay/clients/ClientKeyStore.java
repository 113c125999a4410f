package io.keyrelay.clients;

import io.keyrelay.keys.UsageDelta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Persistence of client keys. */
public interface ClientKeyStore {

    List<ClientKey> loadAll();

    Optional<ClientKey> find(String id);

    void insert(ClientKey key);

    /**
     * Stores enabled and the controls; true when the key existed.
     *
     * @param resetPeriod the budget period changed: the tokens counted for the old one are forgotten
     */
    boolean update(ClientKey key, boolean resetPeriod);

    boolean delete(String id);

    void addUsage(Map<String, UsageDelta> deltas);

    /**
     * Adds tokens to a key's budget period starting at {@code periodStart} (a later period than the stored one
     * replaces it, counting from these tokens), atomically across instances.
     *
     * @return the period's total after the addition; empty when the key is gone or already counts a later period
     */
    OptionalLong addPeriodTokens(String id, Instant periodStart, long tokens);
}
