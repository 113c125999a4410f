package io.keyrelay.storage;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.util.Set;
import org.h2.mvstore.MVStore;

/**
 * The H2 backend with the two guarantees KeyRelay's invariants need and mongo-java-server does not give by itself:
 * <ul>
 *   <li>commands run one at a time, so a conditional update or findAndModify is atomic (a backup key is claimed
 *       once) even when several connections race;</li>
 *   <li>every write is committed to the file before it is acknowledged, so it survives {@code kill -9}
 *       (H2's own auto-commit runs only about once a second).</li>
 * </ul>
 * KeyRelay's database traffic is small (no write on the request path), so serialising costs nothing that matters.
 */
final class SerializedH2Backend extends H2Backend {
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "createindexes",
            "drop", "dropdatabase", "create", "dropindexes", "renamecollection");

    SerializedH2Backend(MVStore store) {
        super(store);
    }

    @Override
    public synchronized Document handleMessage(MongoMessage message) {
        Document reply = super.handleMessage(message);
        if (isWrite(message.getDocument())) {
            commit();
        }
        return reply;
    }

    @Override
    public synchronized Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document reply = super.handleCommand(channel, databaseName, command, query);
        if (WRITES.contains(command.toLowerCase(java.util.Locale.ROOT))) {
            commit();
        }
        return reply;
    }

    @Override
    public synchronized QueryResult handleQuery(MongoQuery query) {
        return super.handleQuery(query);
    }

    /** A server's shutdown closes its backend; this one outlives it, so a test can restart the server on it. */
    @Override
    public void close() {
    }

    /** Closes the store for good: commits and releases the file. */
    void closeStore() {
        super.close();
    }

    private static boolean isWrite(Document command) {
        if (command == null || command.isEmpty()) {
            return false;
        }
        return WRITES.contains(command.keySet().iterator().next().toLowerCase(java.util.Locale.ROOT));
    }
}
