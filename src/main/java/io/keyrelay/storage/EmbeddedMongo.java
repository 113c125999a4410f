package io.keyrelay.storage;

import de.bwaldvogel.mongo.MongoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Stream;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB-compatible server inside this process, persisted in one H2 MVStore file under the data directory. It is
 * KeyRelay's alone (SPEC §4): the directory is its owner's only ({@code 0700}) and the file too ({@code 0600}), and
 * the loopback port it listens on serves only connections that present the secret generated at start, which only
 * {@link #connectionString()} holds ({@link AccessGate}).
 */
public final class EmbeddedMongo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongo.class);
    static final String FILE_NAME = "keyrelay.mv.db";
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final SerializedH2Backend backend;
    private final AccessGate gate;
    private final String secret;
    private final InetSocketAddress address;
    private MongoServer server;
    private boolean closed;

    private EmbeddedMongo(SerializedH2Backend backend, AccessGate gate, String secret, MongoServer server,
                          InetSocketAddress address) {
        this.backend = backend;
        this.gate = gate;
        this.secret = secret;
        this.server = server;
        this.address = address;
    }

    /** Opens (or creates) {@code dataDir/keyrelay.mv.db} and listens on a free loopback port. */
    public static EmbeddedMongo start(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        ownerOnly(dataDir, file);
        MVStore store = new MVStore.Builder().fileName(file.toString()).open();
        SerializedH2Backend backend = new SerializedH2Backend(store);
        String secret = newSecret();
        AccessGate gate = new AccessGate(backend, secret);
        MongoServer server = new MongoServer(gate);
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        log.info("embedded MongoDB-compatible database at {} (listening on 127.0.0.1:{} for this process only)",
                file.toAbsolutePath(), address.getPort());
        return new EmbeddedMongo(backend, gate, secret, server, address);
    }

    /**
     * The directory and the database file, readable by their owner only: created so, or narrowed if they exist.
     * On a file system without POSIX permissions, left as it is.
     */
    private static void ownerOnly(Path dataDir, Path file) {
        try {
            if (!Files.isDirectory(dataDir)) {
                Files.createDirectories(dataDir);
            }
            if (!Files.getFileStore(dataDir).supportsFileAttributeView(PosixFileAttributeView.class)) {
                return;
            }
            Files.setPosixFilePermissions(dataDir, OWNER_DIRECTORY);
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            }
            try (Stream<Path> files = Files.list(dataDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.setPosixFilePermissions(f, OWNER_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare data directory " + dataDir.toAbsolutePath(), e);
        }
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "keyrelay-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** How this process connects: the port, and the secret as the application name the driver announces. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort() + "/?appName=" + secret;
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
            MongoServer restarted = new MongoServer(gate);
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
