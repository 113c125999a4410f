package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import io.keyrelay.admin.SessionRevocations;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;

/** {@code keyrelay_revoked_sessions}: one document per signed-out admin session, until its expiry. */
public final class MongoSessionRevocations implements SessionRevocations {
    private final MongoCollection<Document> collection;

    MongoSessionRevocations(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public void revoke(String sessionId, Instant expiresAt) {
        MongoCalls.run("revoke a session", () -> collection.replaceOne(eq("_id", sessionId),
                new Document("_id", sessionId).append("expiresAt", Fields.date(expiresAt)),
                new ReplaceOptions().upsert(true)));
    }

    @Override
    public Map<String, Instant> unexpired(Instant now) {
        return MongoCalls.call("read revoked sessions", () -> {
            Map<String, Instant> out = new HashMap<>();
            for (Document d : collection.find(gt("expiresAt", Fields.date(now)))) {
                out.put(d.getString("_id"), Fields.instant(d, "expiresAt"));
            }
            return out;
        });
    }

    @Override
    public long deleteExpired(Instant now) {
        return MongoCalls.call("delete expired session revocations",
                () -> collection.deleteMany(lte("expiresAt", Fields.date(now))).getDeletedCount());
    }
}
