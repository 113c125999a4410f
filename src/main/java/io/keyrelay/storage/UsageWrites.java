package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import io.keyrelay.keys.UsageDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/** Adds batched usage ({@code tokensUsed}, {@code requestsCount}, {@code lastUsedAt}) in one bulk write. */
final class UsageWrites {
    private UsageWrites() {
    }

    static void add(MongoCollection<Document> collection, Map<String, UsageDelta> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> updates = new ArrayList<>();
        deltas.forEach((id, d) -> {
            Document update = new Document("$inc", new Document("tokensUsed", d.tokens()).append("requestsCount", d.requests()));
            if (d.lastUsedAt() != null) {
                update.append("$set", new Document("lastUsedAt", Fields.date(d.lastUsedAt())));
            }
            updates.add(new UpdateOneModel<>(eq("_id", id), update));
        });
        // unordered: one failing update neither stops the others nor is retried (a retry would count the rest twice)
        MongoCalls.run("write usage to " + collection.getNamespace().getCollectionName(),
                () -> collection.bulkWrite(updates, new BulkWriteOptions().ordered(false)));
    }
}
