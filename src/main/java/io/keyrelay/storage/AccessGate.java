package io.keyrelay.storage;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The embedded server's door: it answers only connections whose handshake carries the secret this process generated
 * (the MongoDB driver sends it as the application name of every connection it opens). Any other process that finds
 * the loopback port gets an authentication error and a closed connection, before it can read a key. mongo-java-server
 * has no users of its own; this is the credential check it lacks.
 */
final class AccessGate implements MongoBackend {
    private static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("keyrelay.admitted");
    private static final Set<String> HANDSHAKES = Set.of("hello", "ismaster");
    private static final int AUTHENTICATION_FAILED = 18;

    private final MongoBackend backend;
    private final byte[] secret;

    AccessGate(MongoBackend backend, String secret) {
        this.backend = backend;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        admit(channel, command, query);
        return backend.handleCommand(channel, databaseName, command, query);
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        Document document = message.getDocument();
        String command = document == null || document.isEmpty() ? "" : document.keySet().iterator().next();
        admit(message.getChannel(), command, document);
        return backend.handleMessage(message);
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        requireAdmitted(query.getChannel());
        return backend.handleQuery(query);
    }

    @Override
    public Collection<Document> getCurrentOperations(MongoQuery query) {
        requireAdmitted(query.getChannel());
        return backend.getCurrentOperations(query);
    }

    /** A handshake with the secret admits its connection; anything else needs a connection admitted before. */
    private void admit(Channel channel, String command, Document query) {
        if (Boolean.TRUE.equals(channel.attr(ADMITTED).get())) {
            return;
        }
        if (HANDSHAKES.contains(command.toLowerCase(Locale.ROOT)) && carriesSecret(query)) {
            channel.attr(ADMITTED).set(true);
            return;
        }
        refuse(channel);
    }

    private void requireAdmitted(Channel channel) {
        if (!Boolean.TRUE.equals(channel.attr(ADMITTED).get())) {
            refuse(channel);
        }
    }

    private boolean carriesSecret(Document handshake) {
        Object client = handshake == null ? null : handshake.get("client");
        Object application = client instanceof Document c ? c.get("application") : null;
        Object name = application instanceof Document a ? a.get("name") : null;
        return name instanceof String s && MessageDigest.isEqual(s.getBytes(StandardCharsets.UTF_8), secret);
    }

    private static void refuse(Channel channel) {
        channel.close();
        throw new MongoServerError(AUTHENTICATION_FAILED, "AuthenticationFailed",
                "Authentication failed: this database serves KeyRelay's own process only");
    }

    // ---- the rest is the backend's ----

    @Override
    public void handleClose(Channel channel) {
        backend.handleClose(channel);
    }

    @Override
    public void dropDatabase(String database) {
        backend.dropDatabase(database);
    }

    @Override
    public Document getServerStatus() {
        return backend.getServerStatus();
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public void closeCursors(List<Long> cursorIds) {
        backend.closeCursors(cursorIds);
    }

    @Override
    public Clock getClock() {
        return backend.getClock();
    }

    @Override
    public void enableOplog() {
        backend.enableOplog();
    }

    @Override
    public void disableOplog() {
        backend.disableOplog();
    }

    @Override
    public MongoDatabase resolveDatabase(String database) {
        return backend.resolveDatabase(database);
    }

    @Override
    public MongoBackend version(MongoVersion version) {
        backend.version(version);
        return this;
    }
}
