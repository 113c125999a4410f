package io.keyrelay.storage;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.keyrelay.config.Config;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database KeyRelay runs on: an external MongoDB when a URI is configured, otherwise the embedded server.
 * Hands out the stores of each collection.
 */
public final class MongoStorage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MongoStorage.class);
    static final String DEFAULT_DATABASE = "keyrelay";

    private final EmbeddedMongo embedded;
    private final MongoClient client;
    private final MongoDatabase database;

    private MongoStorage(EmbeddedMongo embedded, MongoClient client, MongoDatabase database) {
        this.embedded = embedded;
        this.client = client;
        this.database = database;
    }

    public static MongoStorage open(Config.Storage config) {
        if (config.embedded()) {
            EmbeddedMongo embedded = EmbeddedMongo.start(config.dataDir());
            return connect(embedded, new ConnectionString(embedded.connectionString()));
        }
        ConnectionString uri = new ConnectionString(config.mongodbUri().orElseThrow());
        log.info("using MongoDB at {} database {}", String.join(",", uri.getHosts()), databaseName(uri));
        return connect(null, uri);
    }

    private static MongoStorage connect(EmbeddedMongo embedded, ConnectionString uri) {
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(3, TimeUnit.SECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(2, TimeUnit.SECONDS).readTimeout(15, TimeUnit.SECONDS));
        if (embedded == null && uri.getWriteConcern() == null) {
            // an acknowledged change must survive a crash of the database's primary too
            settings.writeConcern(WriteConcern.MAJORITY.withJournal(true));
        }
        MongoClient client = MongoClients.create(settings.build());
        MongoDatabase database = client.getDatabase(databaseName(uri));
        if (embedded == null) {
            Indexes.ensure(database); // the embedded server has no secondary indexes (and warns about each one)
        }
        return new MongoStorage(embedded, client, database);
    }

    private static String databaseName(ConnectionString uri) {
        String name = uri.getDatabase();
        return name == null || name.isBlank() ? DEFAULT_DATABASE : name;
    }

    public MongoKeyStore keys() {
        return new MongoKeyStore(database.getCollection("ohmygpt_keys"));
    }

    public MongoBackupKeyStore backupKeys() {
        return new MongoBackupKeyStore(database.getCollection("ohmygpt_backup_keys"));
    }

    public MongoEventLog events() {
        return new MongoEventLog(database.getCollection("keyrelay_events"));
    }

    public MongoClientKeyStore clientKeys() {
        return new MongoClientKeyStore(database.getCollection("keyrelay_client_keys"));
    }

    public MongoPeerRegistry peers() {
        return new MongoPeerRegistry(database.getCollection("keyrelay_instances"));
    }

    public MongoSessionRevocations sessionRevocations() {
        return new MongoSessionRevocations(database.getCollection("keyrelay_revoked_sessions"));
    }

    public MongoClientWindows clientWindows() {
        return new MongoClientWindows(database.getCollection("keyrelay_client_windows"));
    }

    public MongoRequestLog requestLog() {
        return new MongoRequestLog(database.getCollection("keyrelay_requests"));
    }

    public MongoUsageStore usage() {
        return new MongoUsageStore(database.getCollection("keyrelay_usage"));
    }

    public MongoSettingsStore settings() {
        return new MongoSettingsStore(database.getCollection("keyrelay_settings"));
    }

    /** True when the database answers a ping within a second (readiness must not wait out server selection). */
    public boolean ping() {
        try {
            database.withTimeout(1, TimeUnit.SECONDS).runCommand(new Document("ping", 1));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The database itself, for this package's tests. */
    MongoDatabase database() {
        return database;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The embedded server, for tests that simulate an outage; null with an external database. */
    public EmbeddedMongo embedded() {
        return embedded;
    }

    @Override
    public void close() {
        client.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
