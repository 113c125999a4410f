package io.keyrelay.clients;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Client keys' secrets: made from a secure random source, stored and looked up only as their SHA-256. */
final class ClientKeySecrets {
    private static final String PREFIX = "kr-";
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final SecureRandom random = new SecureRandom();

    /** The stored form of a key: its SHA-256 in lower-case hex. */
    static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret)); // at key creation only: requests look up the Digest
    }

    static byte[] sha256(String secret) {
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

    String newSecret() {
        return PREFIX + randomChars(40);
    }

    String newId() {
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
