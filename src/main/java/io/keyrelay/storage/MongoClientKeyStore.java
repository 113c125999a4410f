package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import io.keyrelay.clients.ClientKey;
import io.keyrelay.clients.ClientKeyStore;
import io.keyrelay.keys.UsageDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/** {@code keyrelay_client_keys}: client keys by hash, never the key itself. */
public final class MongoClientKeyStore implements ClientKeyStore {
    private final MongoCollection<Document> collection;

    MongoClientKeyStore(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public List<ClientKey> loadAll() {
        return MongoCalls.call("load client keys", () -> collection.find().sort(Sorts.ascending("createdAt", "_id"))
                .map(MongoClientKeyStore::toKey).into(new ArrayList<>()));
    }

    @Override
    public Optional<ClientKey> find(String id) {
        return MongoCalls.call("find client key " + id,
                () -> Optional.ofNullable(collection.find(eq("_id", id)).first()).map(MongoClientKeyStore::toKey));
    }

    @Override
    public void insert(ClientKey k) {
        MongoCalls.insert(k.id(), () -> collection.insertOne(new Document("_id", k.id())
                .append("name", k.name())
                .append("keyHash", k.keyHash())
                .append("maskedKey", k.maskedKey())
                .append("enabled", k.enabled())
                .append("rpmLimit", k.rpmLimit())
                .append("requestsCount", k.requestsCount())
                .append("tokensUsed", k.tokensUsed())
                .append("lastUsedAt", Fields.date(k.lastUsedAt()))
                .append("createdAt", Fields.date(k.createdAt()))));
    }

    @Override
    public boolean update(ClientKey k) {
        return MongoCalls.call("update client key " + k.id(), () -> collection.updateOne(eq("_id", k.id()),
                new Document("$set", new Document("enabled", k.enabled()).append("rpmLimit", k.rpmLimit())))
                .getMatchedCount() == 1);
    }

    @Override
    public boolean delete(String id) {
        return MongoCalls.call("delete client key " + id, () -> collection.deleteOne(eq("_id", id)).getDeletedCount() == 1);
    }

    @Override
    public void addUsage(Map<String, UsageDelta> deltas) {
        UsageWrites.add(collection, deltas);
    }

    private static ClientKey toKey(Document d) {
        return new ClientKey(Fields.string(d, "_id"), Fields.string(d, "name"), Fields.string(d, "keyHash"),
                Fields.string(d, "maskedKey"), Fields.bool(d, "enabled"), (int) Fields.number(d, "rpmLimit"),
                Fields.number(d, "requestsCount"), Fields.number(d, "tokensUsed"), Fields.instant(d, "lastUsedAt"),
                Fields.instant(d, "createdAt"));
    }
}
