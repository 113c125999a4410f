package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import io.keyrelay.clients.WindowStore;
import java.time.Instant;
import org.bson.Document;

/**
 * {@code keyrelay_client_windows}: one document per client key, limit and minute, counting what was granted. A claim
 * is one conditional {@code $inc} (upserted), so the instances together are never granted more than the limit.
 */
public final class MongoClientWindows implements WindowStore {
    private static final int DUPLICATE_KEY = 11000;

    private final MongoCollection<Document> collection;

    MongoClientWindows(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public long claim(String id, Instant start, long amount, long limit) {
        long ask = Math.min(amount, limit);
        return MongoCalls.call("claim a shared limit", () -> {
            for (int tries = 0; tries < 4; tries++) {
                try {
                    // matches a window with room for ask, or inserts a new one; a full window makes the insert a duplicate
                    collection.findOneAndUpdate(and(eq("_id", id), lte("granted", limit - ask)),
                            new Document("$inc", new Document("granted", ask))
                                    .append("$setOnInsert", new Document("at", Fields.date(start))),
                            new FindOneAndUpdateOptions().upsert(true));
                    return ask;
                } catch (MongoCommandException | MongoWriteException e) {
                    if (!duplicate(e)) {
                        throw e;
                    }
                }
                // the window exists with less than amount left: take what is left, if it is still left
                Document current = collection.find(eq("_id", id)).first();
                long left = current == null ? limit : limit - Fields.number(current, "granted");
                if (left <= 0) {
                    return 0L;
                }
                if (current != null && collection.updateOne(and(eq("_id", id), eq("granted", current.get("granted"))),
                        new Document("$inc", new Document("granted", left))).getModifiedCount() == 1) {
                    return left;
                }
            }
            return 0L;
        });
    }

    private static boolean duplicate(RuntimeException e) {
        if (e instanceof MongoWriteException w) {
            return w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        return e instanceof MongoCommandException c && c.getErrorCode() == DUPLICATE_KEY;
    }

    @Override
    public void pruneBefore(Instant before) {
        MongoCalls.run("prune shared limits", () -> collection.deleteMany(lt("at", Fields.date(before))));
    }
}
