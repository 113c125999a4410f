package io.keyrelay.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Admin UI sessions as signed cookie values ({@code id.expiry.signature}, HMAC-SHA256), so that every instance
 * sharing the database accepts them without a database read per request. The signing key is derived from a secret
 * kept in the settings store and from the admin token's hash: a new admin token ends every session. Signing out
 * revokes the session here at once, and on every instance once {@link AdminAuth} has stored the revocation and they
 * have reloaded it ({@link #adopt}); otherwise a session ends at its expiry.
 */
final class SessionCookies {
    static final Duration LIFETIME = Duration.ofHours(12);

    record Session(String id, Instant expiresAt) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

    SessionCookies(byte[] secret, byte[] tokenHash, Clock clock) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(secret, "HmacSHA256"), tokenHash), "HmacSHA256");
        this.clock = clock;
    }

    /** A new session and its cookie value. */
    Map.Entry<Session, String> issue() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        Session session = new Session(B64.encodeToString(id),
                clock.instant().plus(LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        String payload = session.id() + "." + session.expiresAt().getEpochSecond();
        return Map.entry(session, payload + "." + sign(payload));
    }

    /** The session a cookie value stands for, if its signature is right and it is neither expired nor revoked. */
    Optional<Session> verify(String value) {
        if (value == null || value.length() > 200) {
            return Optional.empty();
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        String payload = parts[0] + "." + parts[1];
        byte[] presented;
        try {
            presented = B64_DECODE.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(presented, hmac(key, payload.getBytes(StandardCharsets.UTF_8)))) {
            return Optional.empty();
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(expiresAt) || revoked.containsKey(parts[0])) {
            return Optional.empty();
        }
        return Optional.of(new Session(parts[0], expiresAt));
    }

    void revoke(Session session) {
        forgetExpired();
        revoked.put(session.id(), session.expiresAt());
    }

    /** Adds revocations read from the database (made here or on another instance). */
    void adopt(Map<String, Instant> fromDatabase) {
        forgetExpired();
        revoked.putAll(fromDatabase);
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        revoked.values().removeIf(expiry -> !now.isBefore(expiry));
    }

    private String sign(String payload) {
        return B64.encodeToString(hmac(key, payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
