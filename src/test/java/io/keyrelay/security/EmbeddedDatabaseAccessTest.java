package io.keyrelay.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.keyrelay.support.RelayFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database is KeyRelay's alone (SPEC §4): another process on the machine that finds its port can read
 * nothing through it, and its files are readable by their owner only.
 */
class EmbeddedDatabaseAccessTest {
    @TempDir
    Path dataDir;

    @Test
    void aClientWithoutKeyRelaysCredentialsReadsNothingFromTheEmbeddedDatabase() {
        try (RelayFixture relay = RelayFixture.start(dataDir)) {
            relay.addKey("k1", false);
            for (int port : listeningPortsOf(relay)) {
                try (MongoClient stranger = MongoClients.create(MongoClientSettings.builder()
                        .applyToClusterSettings(c -> c.hosts(List.of(new ServerAddress("127.0.0.1", port)))
                                .serverSelectionTimeout(3, TimeUnit.SECONDS))
                        .applyToSocketSettings(s -> s.connectTimeout(2, TimeUnit.SECONDS).readTimeout(3, TimeUnit.SECONDS))
                        .build())) {
                    assertThrows(MongoException.class, () -> stranger.getDatabase("keyrelay").getCollection("ohmygpt_keys")
                            .find().first(), "port " + port + " must not serve a client without credentials");
                    assertThrows(MongoException.class, () -> stranger.getDatabase("admin")
                            .runCommand(new Document("listDatabases", 1)));
                }
            }
            assertEquals("sk-fake-k1-0123456789abcdef", relay.services().keys().find("k1").orElseThrow().apiKey(),
                    "KeyRelay itself still reads and writes");
        }
    }

    @Test
    void theDataDirectoryAndItsFilesAreTheOwnersOnly() throws IOException {
        Path data = dataDir.resolve("fresh");
        try (RelayFixture relay = RelayFixture.start(data)) {
            relay.addKey("k1", false);
            assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(data));
            try (Stream<Path> files = Files.list(data)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                    assertTrue(PosixFilePermissions.fromString("rw-------").containsAll(perms), f + " is " + perms);
                }
            }
        }
    }

    /** The TCP ports KeyRelay's own connection string names for the embedded server. */
    private static List<Integer> listeningPortsOf(RelayFixture relay) {
        ConnectionString own = new ConnectionString(relay.services().storage().embedded().connectionString());
        return own.getHosts().stream().map(h -> Integer.parseInt(h.substring(h.lastIndexOf(':') + 1))).toList();
    }
}
