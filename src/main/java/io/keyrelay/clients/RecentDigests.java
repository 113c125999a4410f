package io.keyrelay.clients;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The digests of secrets that lately matched a client key, so a client's key is hashed once rather than on each of
 * its requests. Only a secret that matched a key enters, so presenting made-up keys cannot grow it, and it starts
 * afresh past {@value #MAX} secrets. A digest never goes stale: a key deleted or disabled is refused by the key
 * index, whatever is remembered here.
 */
final class RecentDigests {
    static final int MAX = 4_096;

    private final ConcurrentHashMap<String, ClientKeySecrets.Digest> bySecret = new ConcurrentHashMap<>();

    /** The digest remembered for {@code secret}; null when it is not (then hash it, and {@link #remember} it). */
    ClientKeySecrets.Digest remembered(String secret) {
        return bySecret.get(secret);
    }

    void remember(String secret, ClientKeySecrets.Digest digest) {
        if (bySecret.size() >= MAX) {
            bySecret.clear();
        }
        bySecret.put(secret, digest);
    }

    int size() {
        return bySecret.size();
    }
}
