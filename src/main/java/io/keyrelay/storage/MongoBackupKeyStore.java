package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.ne;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.BackupKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/** {@code ohmygpt_backup_keys}. A claim is one findOneAndUpdate, so a backup key is handed out once. */
public final class MongoBackupKeyStore implements BackupKeyStore {
    private final MongoCollection<Document> collection;

    MongoBackupKeyStore(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public List<BackupKey> loadAll() {
        return MongoCalls.call("load backup keys", () -> collection.find().sort(Sorts.ascending("createdAt", "_id"))
                .map(MongoBackupKeyStore::toBackup).into(new ArrayList<>()));
    }

    @Override
    public Optional<BackupKey> find(String id) {
        return MongoCalls.call("find backup key " + id,
                () -> Optional.ofNullable(collection.find(eq("_id", id)).first()).map(MongoBackupKeyStore::toBackup));
    }

    @Override
    public void insert(BackupKey key) {
        MongoCalls.insert(key.id(), () -> collection.insertOne(toDocument(key)));
    }

    @Override
    public Set<String> insertAll(List<BackupKey> keys) {
        return MongoCalls.insertAll("insert " + keys.size() + " backup keys", collection,
                keys.stream().map(MongoBackupKeyStore::toDocument).toList());
    }

    private static Document toDocument(BackupKey key) {
        return new Document("_id", key.id())
                .append("apiKey", key.apiKey())
                .append("enableFailover", key.enableFailover())
                .append("isUsed", key.isUsed())
                .append("activated", key.activated())
                .append("usedFor", key.usedFor())
                .append("usedAt", Fields.date(key.usedAt()))
                .append("createdAt", Fields.date(key.createdAt()));
    }

    @Override
    public boolean setEnableFailover(String id, boolean enableFailover) {
        return MongoCalls.call("update backup key " + id, () -> collection.updateOne(eq("_id", id),
                new Document("$set", new Document("enableFailover", enableFailover))).getMatchedCount() == 1);
    }

    @Override
    public boolean delete(String id) {
        return MongoCalls.call("delete backup key " + id, () -> collection.deleteOne(eq("_id", id)).getDeletedCount() == 1);
    }

    @Override
    public boolean restore(BackupKey seen) {
        Bson unchanged = and(eq("_id", seen.id()),
                seen.isUsed() ? eq("isUsed", true) : ne("isUsed", true),
                seen.activated() ? eq("activated", true) : ne("activated", true),
                eq("usedFor", seen.usedFor()));
        return MongoCalls.call("restore backup key " + seen.id(), () -> collection.updateOne(unchanged,
                new Document("$set", new Document("isUsed", false).append("activated", false)
                        .append("usedFor", null).append("usedAt", null))).getMatchedCount() == 1);
    }

    @Override
    public Optional<BackupKey> claimFor(String failedKeyId, Instant now) {
        Document claim = new Document("$set", new Document("isUsed", true).append("activated", false)
                .append("usedFor", failedKeyId).append("usedAt", Fields.date(now)));
        return MongoCalls.call("claim a backup key", () -> Optional.ofNullable(collection.findOneAndUpdate(
                ne("isUsed", true), claim,
                new FindOneAndUpdateOptions().sort(Sorts.ascending("createdAt", "_id")).returnDocument(ReturnDocument.AFTER)))
                .map(MongoBackupKeyStore::toBackup));
    }

    @Override
    public Optional<BackupKey> findClaimedFor(String failedKeyId) {
        return MongoCalls.call("find backup claimed for " + failedKeyId, () -> Optional.ofNullable(collection.find(
                and(eq("isUsed", true), eq("activated", false), eq("usedFor", failedKeyId))).first())
                .map(MongoBackupKeyStore::toBackup));
    }

    @Override
    public void markActivated(String id) {
        MongoCalls.run("activate backup key " + id, () -> collection.updateOne(eq("_id", id),
                new Document("$set", new Document("activated", true))));
    }

    @Override
    public List<BackupKey> claimedNotActivated(Instant claimedBefore) {
        return MongoCalls.call("list claimed backup keys", () -> collection.find(
                and(eq("isUsed", true), eq("activated", false), lt("usedAt", Fields.date(claimedBefore))))
                .map(MongoBackupKeyStore::toBackup).into(new ArrayList<>()));
    }

    @Override
    public long deleteUsedBefore(Instant usedBefore) {
        // only activated ones: a claimed key whose rotation is unfinished must stay until recovery settles it
        return MongoCalls.call("delete used backup keys", () -> collection.deleteMany(
                and(eq("isUsed", true), ne("activated", false), lt("usedAt", Fields.date(usedBefore)))).getDeletedCount());
    }

    @Override
    public long countAvailable() {
        return MongoCalls.call("count backup keys", () -> collection.countDocuments(ne("isUsed", true)));
    }

    static BackupKey toBackup(Document d) {
        return new BackupKey(
                Fields.string(d, "_id"),
                Optional.ofNullable(Fields.string(d, "apiKey")).orElse(""),
                Fields.bool(d, "enableFailover"),
                Fields.bool(d, "isUsed"),
                Fields.bool(d, "activated"),
                Fields.string(d, "usedFor"),
                Fields.instant(d, "usedAt"),
                Fields.instant(d, "createdAt"));
    }
}
