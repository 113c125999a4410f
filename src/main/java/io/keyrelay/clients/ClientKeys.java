package io.keyrelay.clients;

import io.keyrelay.keys.ApiKeys;
import io.keyrelay.keys.UsageLedger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Client keys: issued here, stored as hashes, checked on every proxy request from memory (no database on the
 * request path), limited per minute, and counted in a {@link UsageLedger}.
 */
public final class ClientKeys {
    private static final String PREFIX = "kr-";
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final ClientKeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final MinuteWindowLimiter limiter;
    private final UsageLedger usage = new UsageLedger();
    private volatile Map<Digest, ClientKey> byDigest = Map.of();

    public ClientKeys(ClientKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.limiter = new MinuteWindowLimiter(clock);
    }

    /** Loads the keys from the database; called at start and on every sync. */
    public void reload() {
        byDigest = store.loadAll().stream().filter(k -> Digest.isHex(k.keyHash()))
                .collect(Collectors.toUnmodifiableMap(k -> Digest.ofHex(k.keyHash()), Function.identity()));
    }

    public Authentication authenticate(String presented) {
        if (presented == null || presented.isBlank()) {
            return new Authentication.Rejected("Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key'");
        }
        ClientKey key = byDigest.get(Digest.of(sha256(presented.trim())));
        if (key == null) {
            return new Authentication.Rejected("Invalid API key");
        }
        if (!key.enabled()) {
            return new Authentication.Rejected("This API key is disabled");
        }
        Duration wait = limiter.acquire(key.id(), key.rpmLimit());
        if (!wait.isZero()) {
            return new Authentication.Limited(key, wait);
        }
        return new Authentication.Accepted(key);
    }

    /** Counts a served request for the client key, at {@code now}. */
    public void recordRequest(String clientKeyId, Instant now) {
        usage.record(clientKeyId, 0, now);
    }

    public void recordTokens(String clientKeyId, long tokens) {
        usage.addTokens(clientKeyId, tokens);
    }

    public UsageLedger usage() {
        return usage;
    }

    public IssuedClientKey create(String name, int rpmLimit) {
        String secret = newSecret();
        ClientKey key = new ClientKey(newId(), name, hash(secret), ApiKeys.mask(secret), true, rpmLimit, 0, 0, null, clock.instant());
        store.insert(key);
        reload();
        return new IssuedClientKey(key, secret);
    }

    public List<ClientKey> list() {
        return store.loadAll();
    }

    /** The keys as loaded at the last sync, oldest first (what {@link #list} gives while the database is down). */
    public List<ClientKey> inMemory() {
        return byDigest.values().stream()
                .sorted(java.util.Comparator.comparing(ClientKey::createdAt, java.util.Comparator.nullsFirst(
                        java.util.Comparator.naturalOrder())).thenComparing(ClientKey::id))
                .toList();
    }

    public Optional<ClientKey> find(String id) {
        return store.find(id);
    }

    public Optional<ClientKey> update(String id, Optional<Boolean> enabled, Optional<Integer> rpmLimit) {
        Optional<ClientKey> current = store.find(id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        ClientKey next = current.get();
        if (enabled.isPresent()) {
            next = next.withEnabled(enabled.get());
        }
        if (rpmLimit.isPresent()) {
            next = next.withRpmLimit(rpmLimit.get());
        }
        if (!store.update(next)) {
            return Optional.empty();
        }
        reload();
        return store.find(id);
    }

    public boolean delete(String id) {
        boolean deleted = store.delete(id);
        if (deleted) {
            limiter.forget(id);
            reload();
        }
        return deleted;
    }

    /** Writes counted usage; while the database is unreachable the counts stay for the next flush. */
    public void flushUsage() {
        var batch = usage.drain();
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.addUsage(batch);
        } catch (io.keyrelay.keys.StoreUnavailableException e) {
            // nothing was written: keep the counts for the next flush (as the key pool's usage does)
            usage.restore(batch);
            throw e;
        }
    }

    /** The stored form of a key: its SHA-256 in lower-case hex. */
    static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret)); // at key creation only: requests look up the Digest
    }

    private static byte[] sha256(String secret) {
        // one digest per thread: a MessageDigest is not thread-safe
        return SHA_256.get().digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A SHA-256 as four longs, the in-memory index of the keys: a presented key is looked up by its digest without
     * writing it out in hex and hashing that string, as every proxy request does.
     */
    record Digest(long a, long b, long c, long d) {
        static Digest of(byte[] sha256) {
            ByteBuffer b = ByteBuffer.wrap(sha256);
            return new Digest(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24));
        }

        static boolean isHex(String hash) {
            return hash != null && hash.length() == 64 && hash.chars().allMatch(HexFormat::isHexDigit);
        }

        static Digest ofHex(String hash) {
            return of(HexFormat.of().parseHex(hash));
        }
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private String newSecret() {
        return PREFIX + randomChars(40);
    }

    private String newId() {
        return "ck_" + randomChars(12);
    }

    private String randomChars(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
