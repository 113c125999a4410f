package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import io.keyrelay.keys.PeerRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;

/** {@code keyrelay_instances}: one document per running instance, its {@code beatAt} renewed by its heartbeat. */
public final class MongoPeerRegistry implements PeerRegistry {
    private final MongoCollection<Document> collection;

    MongoPeerRegistry(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public void beat(String instance, Instant at) {
        MongoCalls.run("heartbeat", () -> collection.replaceOne(eq("_id", instance),
                new Document("_id", instance).append("beatAt", Fields.date(at)), new ReplaceOptions().upsert(true)));
    }

    @Override
    public Map<String, Instant> lastBeats() {
        return MongoCalls.call("read heartbeats", () -> {
            Map<String, Instant> beats = new HashMap<>();
            for (Document d : collection.find()) {
                beats.put(d.getString("_id"), Fields.instant(d, "beatAt"));
            }
            return beats;
        });
    }

    @Override
    public void forget(String instance, Instant beatNotAfter) {
        MongoCalls.run("forget instance", () -> collection.deleteOne(
                and(eq("_id", instance), lte("beatAt", Fields.date(beatNotAfter)))));
    }

    @Override
    public void leave(String instance) {
        MongoCalls.run("leave", () -> collection.deleteOne(eq("_id", instance)));
    }
}
