package io.keyrelay.clients;

import io.keyrelay.keys.UsageDelta;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Persistence of client keys. */
public interface ClientKeyStore {

    List<ClientKey> loadAll();

    Optional<ClientKey> find(String id);

    void insert(ClientKey key);

    /** Stores enabled and rpmLimit; true when the key existed. */
    boolean update(ClientKey key);

    boolean delete(String id);

    void addUsage(Map<String, UsageDelta> deltas);
}
