package io.keyrelay.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Client keys are stored as hashes: the hash must stay exactly what earlier versions stored. */
class ClientKeyHashTest {

    @Test
    void theHashIsTheLowerCaseHexOfTheSha256OfTheKey() throws Exception {
        for (String key : new String[] {"kr-ZTY3QRvyP4yGvhhhVpNvl9acaZTo5dEcfkCem5BT", "", "kr-\u00e9t\u00e9-\u4e2d", "\u0000\u00ff"}) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            assertEquals(HexFormat.of().formatHex(digest), ClientKeySecrets.hash(key), key);
        }
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ClientKeySecrets.hash(""));
    }

    @Test
    void aPresentedKeyFindsItsStoredHashInTheDigestIndex() throws Exception {
        String[] keys = {"kr-ZTY3QRvyP4yGvhhhVpNvl9acaZTo5dEcfkCem5BT", "kr-ZTY3QRvyP4yGvhhhVpNvl9acaZTo5dEcfkCem5BU", ""};
        for (String key : keys) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            assertEquals(ClientKeySecrets.Digest.ofHex(ClientKeySecrets.hash(key)), ClientKeySecrets.Digest.of(digest), key);
        }
        assertNotEquals(ClientKeySecrets.Digest.ofHex(ClientKeySecrets.hash(keys[0])), ClientKeySecrets.Digest.ofHex(ClientKeySecrets.hash(keys[1])));
        assertTrue(ClientKeySecrets.Digest.isHex(ClientKeySecrets.hash(keys[0])));
        assertFalse(ClientKeySecrets.Digest.isHex("sha256:" + ClientKeySecrets.hash(keys[0])));
        assertFalse(ClientKeySecrets.Digest.isHex(ClientKeySecrets.hash(keys[0]).substring(1) + "g"));
        assertFalse(ClientKeySecrets.Digest.isHex(null));
        assertFalse(ClientKeySecrets.Digest.isHex("\uff21".repeat(64))); // a full-width letter is a digit to Character.digit
    }
}
