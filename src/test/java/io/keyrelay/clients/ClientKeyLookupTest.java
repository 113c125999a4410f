package io.keyrelay.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A presented key is hashed once and then looked up by its remembered digest: what the key index says still rules. */
class ClientKeyLookupTest {
    @TempDir
    Path dataDir;
    MongoStorage storage;
    ClientKeys keys;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dataDir);
        keys = new ClientKeys(storage.clientKeys(), storage.clientWindows(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        keys.close();
        storage.close();
    }

    @Test
    void aRememberedKeyIsRefusedOnceDisabledOrDeleted() {
        IssuedClientKey issued = keys.create("a", ClientKeyControls.NONE);
        assertInstanceOf(Authentication.Accepted.class, keys.authenticate(issued.secret()));
        assertInstanceOf(Authentication.Accepted.class, keys.authenticate(" " + issued.secret() + " "));

        keys.update(issued.key().id(), k -> k.withEnabled(false));
        assertEquals(new Authentication.Rejected("This API key is disabled"), keys.authenticate(issued.secret()));
        keys.update(issued.key().id(), k -> k.withEnabled(true));
        assertInstanceOf(Authentication.Accepted.class, keys.authenticate(issued.secret()));

        keys.delete(issued.key().id());
        assertEquals(new Authentication.Rejected("Invalid API key"), keys.authenticate(issued.secret()));
    }

    @Test
    void madeUpKeysAreNotRememberedAndTheRememberedStayBounded() {
        RecentDigests recent = new RecentDigests();
        for (int i = 0; i < RecentDigests.MAX + 10; i++) {
            recent.remember("kr-" + i, ClientKeySecrets.Digest.of(ClientKeySecrets.sha256("kr-" + i)));
        }
        assertEquals(10, recent.size()); // started afresh once full

        for (int i = 0; i < 100; i++) {
            assertEquals(new Authentication.Rejected("Invalid API key"), keys.authenticate("kr-made-up-" + i));
        }
        assertEquals(0, keys.recentDigests().size());
        IssuedClientKey issued = keys.create("b", ClientKeyControls.NONE);
        assertInstanceOf(Authentication.Accepted.class, keys.authenticate(issued.secret()));
        assertEquals(1, keys.recentDigests().size());
        assertEquals(ClientKeySecrets.Digest.of(ClientKeySecrets.sha256(issued.secret())),
                keys.recentDigests().remembered(issued.secret()));
    }
}
