package io.keyrelay.storage;

import de.bwaldvogel.mongo.MongoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A MongoDB-compatible server inside this process, persisted in one H2 MVStore file under the data directory. */
public final class EmbeddedMongo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongo.class);
    static final String FILE_NAME = "keyrelay.mv.db";

    private final SerializedH2Backend backend;
    private final InetSocketAddress address;
    private MongoServer server;
    private boolean closed;

    private EmbeddedMongo(SerializedH2Backend backend, MongoServer server, InetSocketAddress address) {
        this.backend = backend;
        this.server = server;
        this.address = address;
    }

    /** Opens (or creates) {@code dataDir/keyrelay.mv.db} and listens on a free loopback port. */
    public static EmbeddedMongo start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir.toAbsolutePath(), e);
        }
        Path file = dataDir.resolve(FILE_NAME);
        MVStore store = new MVStore.Builder().fileName(file.toString()).open();
        SerializedH2Backend backend = new SerializedH2Backend(store);
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        log.info("embedded MongoDB-compatible database at {} (listening on 127.0.0.1:{})", file.toAbsolutePath(), address.getPort());
        return new EmbeddedMongo(backend, server, address);
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    /**
     * Stops answering, as during an outage: the socket closes and so does every client connection; the data stays.
     * {@link #startListening} brings it back on the same port.
     */
    public synchronized void stopListening() {
        if (server != null) {
            server.shutdownNow();
            server = null;
            log.info("embedded database stopped listening (outage)");
        }
    }

    /** Listens again on the same port after {@link #stopListening}. */
    public synchronized void startListening() {
        if (server == null) {
            MongoServer restarted = new MongoServer(backend);
            restarted.bind(address.getHostString(), address.getPort());
            server = restarted;
            log.info("embedded database listening again on 127.0.0.1:{}", address.getPort());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
        backend.closeStore();
    }
}
