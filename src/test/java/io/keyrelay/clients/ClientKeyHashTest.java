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
            assertEquals(HexFormat.of().formatHex(digest), ClientKeys.hash(key), key);
        }
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ClientKeys.hash(""));
    }

    @Test
    void aPresentedKeyFindsItsStoredHashInTheDigestIndex() throws Exception {
        String[] keys = {"kr-ZTY3QRvyP4yGvhhhVpNvl9acaZTo5dEcfkCem5BT", "kr-ZTY3QRvyP4yGvhhhVpNvl9acaZTo5dEcfkCem5BU", ""};
        for (String key : keys) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            assertEquals(ClientKeys.Digest.ofHex(ClientKeys.hash(key)), ClientKeys.Digest.of(digest), key);
        }
        assertNotEquals(ClientKeys.Digest.ofHex(ClientKeys.hash(keys[0])), ClientKeys.Digest.ofHex(ClientKeys.hash(keys[1])));
        assertTrue(ClientKeys.Digest.isHex(ClientKeys.hash(keys[0])));
        assertFalse(ClientKeys.Digest.isHex("sha256:" + ClientKeys.hash(keys[0])));
        assertFalse(ClientKeys.Digest.isHex(ClientKeys.hash(keys[0]).substring(1) + "g"));
        assertFalse(ClientKeys.Digest.isHex(null));
        assertFalse(ClientKeys.Digest.isHex("\uff21".repeat(64))); // a full-width letter is a digit to Character.digit
    }
}
