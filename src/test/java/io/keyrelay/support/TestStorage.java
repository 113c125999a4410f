package io.keyrelay.support;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.keyrelay.config.Config;
import io.keyrelay.storage.MongoStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real driver against a database: the embedded server in a temporary data directory ({@link #open}), or, for the
 * storage tests ({@link #database}), a real MongoDB when {@code KEYRELAY_TEST_MONGODB_URI} is set (the
 * {@code real-mongodb} Maven profile requires it), each call in a database of its own, dropped when the JVM exits.
 */
public final class TestStorage {
    /** The real MongoDB the storage tests may run against: a connection string naming no database. */
    public static final String REAL_MONGODB_URI = "KEYRELAY_TEST_MONGODB_URI";

    private static final List<String> CREATED = new CopyOnWriteArrayList<>();

    private TestStorage() {
    }

    /** The embedded server over {@code dataDir} (reopened on the same directory, it holds what was written). */
    public static MongoStorage open(Path dataDir) {
        return MongoStorage.open(new Config.Storage(Optional.empty(), dataDir));
    }

    /** A fresh database for a storage test: on the real MongoDB when one is configured, else {@link #open}. */
    public static MongoStorage database(Path dataDir) {
        String uri = System.getenv(REAL_MONGODB_URI);
        if (uri == null || uri.isBlank()) {
            if (Boolean.getBoolean("keyrelay.test.mongodb.required")) {
                throw new IllegalStateException("the real-mongodb profile needs " + REAL_MONGODB_URI
                        + " (a mongodb:// connection string naming no database)");
            }
            return open(dataDir);
        }
        String database = "keyrelay_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (CREATED.isEmpty()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropAll(uri.trim()), "drop-test-databases"));
        }
        CREATED.add(database);
        return MongoStorage.open(new Config.Storage(Optional.of(withDatabase(uri.trim(), database)), dataDir));
    }

    /** {@code uri} with its database (the path after the hosts) set to {@code database}; its options kept. */
    static String withDatabase(String uri, String database) {
        int hostsStart = uri.indexOf("://") + 3;
        int slash = uri.indexOf('/', hostsStart);
        int query = uri.indexOf('?', hostsStart);
        int hostsEnd = slash >= 0 ? slash : query >= 0 ? query : uri.length();
        return uri.substring(0, hostsEnd) + "/" + database + (query >= 0 ? uri.substring(query) : "");
    }

    private static void dropAll(String uri) {
        try (MongoClient client = MongoClients.create(uri)) {
            CREATED.forEach(db -> client.getDatabase(db).drop());
        } catch (RuntimeException e) {
            System.err.println("could not drop the test databases " + CREATED + ": " + e);
        }
    }
}
