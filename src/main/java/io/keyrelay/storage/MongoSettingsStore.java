package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import io.keyrelay.admin.SettingsStore;
import java.util.Optional;
import org.bson.Document;

/** {@code keyrelay_settings}: small named values KeyRelay keeps for itself (e.g. the admin token's hash). */
public final class MongoSettingsStore implements SettingsStore {
    private final MongoCollection<Document> collection;

    MongoSettingsStore(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public Optional<String> get(String name) {
        return MongoCalls.call("read setting " + name,
                () -> Optional.ofNullable(collection.find(eq("_id", name)).first()).map(d -> d.getString("value")));
    }

    @Override
    public boolean putIfAbsent(String name, String value) {
        try {
            MongoCalls.insert(name, () -> collection.insertOne(new Document("_id", name).append("value", value)));
            return true;
        } catch (io.keyrelay.keys.DuplicateIdException e) {
            return false;
        }
    }
}
