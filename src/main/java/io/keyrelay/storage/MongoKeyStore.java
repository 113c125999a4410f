package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.client.MongoCollection;
import io.keyrelay.keys.KeyState;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.KeyStore;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.RotationRecord;
import io.keyrelay.keys.StoredPool;
import io.keyrelay.keys.UsageDelta;
import io.keyrelay.keys.DuplicateIdException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/** {@code ohmygpt_keys}: field names and types as the original system wrote them, plus KeyRelay's own. */
public final class MongoKeyStore implements KeyStore {
    private final MongoCollection<Document> collection;

    MongoKeyStore(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public List<PoolKey> loadAll() {
        return MongoCalls.call("load keys", () -> collection.find().map(MongoKeyStore::toKey).into(new ArrayList<>()));
    }

    @Override
    public StoredPool loadPool() {
        return MongoCalls.call("load keys", () -> {
            List<PoolKey> keys = new ArrayList<>();
            Set<String> rotating = new HashSet<>();
            for (Document d : collection.find()) {
                PoolKey key = toKey(d);
                keys.add(key);
                if (d.containsKey("rotation")) {
                    rotating.add(key.id());
                }
            }
            return new StoredPool(keys, rotating);
        });
    }

    @Override
    public Optional<PoolKey> find(String id) {
        return MongoCalls.call("find key " + id,
                () -> Optional.ofNullable(collection.find(eq("_id", id)).first()).map(MongoKeyStore::toKey));
    }

    @Override
    public void insert(PoolKey key) {
        MongoCalls.insert(key.id(), () -> collection.insertOne(toDocument(key)));
    }

    @Override
    public Set<String> insertAll(List<PoolKey> keys) {
        return MongoCalls.insertAll("insert " + keys.size() + " keys", collection,
                keys.stream().map(MongoKeyStore::toDocument).toList());
    }

    @Override
    public boolean insertIfAbsent(PoolKey key) {
        try {
            insert(key);
            return true;
        } catch (DuplicateIdException e) {
            return false;
        }
    }

    @Override
    public boolean compareAndSetState(String id, KeyStatus expected, KeyState next, Instant now) {
        Document set = stateFields(next).append("updatedAt", Fields.date(now));
        return MongoCalls.call("update key " + id, () -> collection.updateOne(
                and(eq("_id", id), statusIs(expected), exists("rotation", false)), new Document("$set", set))
                .getModifiedCount() == 1);
    }

    /** Documents of the original system may lack a status; they count as healthy. */
    private static Bson statusIs(KeyStatus expected) {
        return expected == KeyStatus.HEALTHY ? in("status", "healthy", null) : eq("status", expected.wireName());
    }

    @Override
    public boolean setEnableFailover(String id, boolean enableFailover, Instant now) {
        return MongoCalls.call("update key " + id, () -> collection.updateOne(eq("_id", id),
                new Document("$set", new Document("enableFailover", enableFailover).append("updatedAt", Fields.date(now))))
                .getMatchedCount() == 1);
    }

    @Override
    public boolean delete(String id) {
        return MongoCalls.call("delete key " + id, () -> collection.deleteOne(eq("_id", id)).getDeletedCount() == 1);
    }

    @Override
    public void addUsage(Map<String, UsageDelta> deltas) {
        UsageWrites.add(collection, deltas);
    }

    @Override
    public boolean claimRotation(String id, KeyStatus expected, String instance, Instant now, String reason,
                                 Integer upstreamStatus) {
        Document rotation = new Document("instance", instance).append("startedAt", Fields.date(now))
                .append("reason", reason).append("upstreamStatus", upstreamStatus);
        return MongoCalls.call("claim rotation of " + id, () -> collection.updateOne(
                and(eq("_id", id), statusIs(expected), exists("rotation", false)),
                new Document("$set", new Document("rotation", rotation))).getModifiedCount() == 1);
    }

    @Override
    public boolean recordRotationTarget(String id, String backupId, String newKeyId) {
        return MongoCalls.call("record rotation of " + id, () -> collection.updateOne(
                and(eq("_id", id), exists("rotation", true), exists("rotation.backupId", false)),
                new Document("$set", new Document("rotation.backupId", backupId).append("rotation.newKeyId", newKeyId)))
                .getModifiedCount() == 1);
    }

    @Override
    public Optional<RotationRecord> rotationOf(String id) {
        return MongoCalls.call("read rotation of " + id, () -> Optional.ofNullable(
                collection.find(and(eq("_id", id), exists("rotation", true))).first()).map(MongoKeyStore::toRotation));
    }

    @Override
    public void finishRotationWithoutBackup(String id, KeyState state, Instant now) {
        Document set = stateFields(state).append("updatedAt", Fields.date(now));
        MongoCalls.run("exhaust key " + id, () -> collection.updateOne(eq("_id", id),
                new Document("$set", set).append("$unset", new Document("rotation", ""))));
    }

    @Override
    public List<RotationRecord> pendingRotations(String instance, Instant startedBefore) {
        Bson which = instance == null
                ? lt("rotation.startedAt", Fields.date(startedBefore))
                : or(eq("rotation.instance", instance), lt("rotation.startedAt", Fields.date(startedBefore)));
        return MongoCalls.call("list pending rotations", () -> collection.find(and(exists("rotation", true), which))
                .map(MongoKeyStore::toRotation).into(new ArrayList<>()));
    }

    @Override
    public List<RotationRecord> rotationsHeldBy(Collection<String> instances) {
        return MongoCalls.call("list rotations of instances", () -> collection.find(in("rotation.instance", instances))
                .map(MongoKeyStore::toRotation).into(new ArrayList<>()));
    }

    @Override
    public boolean takeOverRotation(String id, String from, String to, Instant now) {
        return MongoCalls.call("take over rotation of " + id, () -> collection.updateOne(
                and(eq("_id", id), eq("rotation.instance", from)),
                new Document("$set", new Document("rotation.instance", to).append("rotation.takenOverFrom", from)
                        .append("rotation.takenOverAt", Fields.date(now)))).getModifiedCount() == 1);
    }

    @Override
    public Optional<PoolKey> findReplacementOf(String failedKeyId) {
        return MongoCalls.call("find replacement of " + failedKeyId,
                () -> Optional.ofNullable(collection.find(eq("replacedKey", failedKeyId)).first()).map(MongoKeyStore::toKey));
    }

    @Override
    public Optional<PoolKey> findByApiKey(String apiKey) {
        return MongoCalls.call("find key by API key",
                () -> Optional.ofNullable(collection.find(eq("apiKey", apiKey)).first()).map(MongoKeyStore::toKey));
    }

    private static Document stateFields(KeyState s) {
        return new Document("status", s.status().wireName())
                .append("lastError", s.lastError())
                .append("cooldownUntil", Fields.date(s.cooldownUntil()))
                .append("resumeStatus", s.resumeStatus().wireName());
    }

    static Document toDocument(PoolKey k) {
        return new Document("_id", k.id())
                .append("apiKey", k.apiKey())
                .append("status", k.status().wireName())
                .append("enableFailover", k.enableFailover())
                .append("tokensUsed", k.tokensUsed())
                .append("requestsCount", k.requestsCount())
                .append("lastUsedAt", Fields.date(k.lastUsedAt()))
                .append("lastError", k.lastError())
                .append("cooldownUntil", Fields.date(k.cooldownUntil()))
                .append("resumeStatus", k.resumeStatus().wireName())
                .append("createdAt", Fields.date(k.createdAt()))
                .append("updatedAt", Fields.date(k.updatedAt()))
                .append("replacedKey", k.replacedKey());
    }

    static PoolKey toKey(Document d) {
        KeyStatus status = KeyStatus.fromWire(Fields.string(d, "status")).orElse(KeyStatus.HEALTHY);
        KeyStatus resume = KeyStatus.fromWire(Fields.string(d, "resumeStatus")).orElse(KeyStatus.HEALTHY);
        return new PoolKey(
                Fields.string(d, "_id"),
                Optional.ofNullable(Fields.string(d, "apiKey")).orElse(""),
                status,
                Fields.bool(d, "enableFailover"),
                Fields.instant(d, "cooldownUntil"),
                resume,
                Fields.string(d, "lastError"),
                Fields.string(d, "replacedKey"),
                Fields.number(d, "tokensUsed"),
                Fields.number(d, "requestsCount"),
                Fields.instant(d, "lastUsedAt"),
                Fields.instant(d, "createdAt"),
                Fields.instant(d, "updatedAt"));
    }

    private static RotationRecord toRotation(Document d) {
        Document r = d.get("rotation", Document.class);
        Object status = r.get("upstreamStatus");
        return new RotationRecord(Fields.string(d, "_id"), Fields.string(r, "instance"), Fields.instant(r, "startedAt"),
                Fields.string(r, "backupId"), Fields.string(r, "newKeyId"), Fields.string(r, "reason"),
                status instanceof Number n ? n.intValue() : null);
    }
}
