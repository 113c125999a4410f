package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import io.keyrelay.clients.BudgetPeriod;
import io.keyrelay.clients.ClientKey;
import io.keyrelay.clients.ClientKeyControls;
import io.keyrelay.clients.ClientKeyStore;
import io.keyrelay.clients.ModelPatterns;
import io.keyrelay.keys.UsageDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.bson.Document;
import org.bson.conversions.Bson;

/** {@code keyrelay_client_keys}: client keys by hash, never the key itself, with their controls and period usage. */
public final class MongoClientKeyStore implements ClientKeyStore {
    private static final FindOneAndUpdateOptions AFTER = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);

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
        Document doc = new Document("_id", k.id())
                .append("name", k.name())
                .append("keyHash", k.keyHash())
                .append("maskedKey", k.maskedKey())
                .append("enabled", k.enabled())
                .append("requestsCount", k.requestsCount())
                .append("tokensUsed", k.tokensUsed())
                .append("lastUsedAt", Fields.date(k.lastUsedAt()))
                .append("createdAt", Fields.date(k.createdAt()));
        doc.putAll(controls(k.controls()));
        MongoCalls.insert(k.id(), () -> collection.insertOne(doc));
    }

    @Override
    public boolean update(ClientKey k, boolean resetPeriod) {
        Document set = new Document("enabled", k.enabled());
        set.putAll(controls(k.controls()));
        if (resetPeriod) {
            set.append("periodStart", null).append("periodTokens", 0L);
        }
        return MongoCalls.call("update client key " + k.id(), () -> collection.updateOne(eq("_id", k.id()),
                new Document("$set", set)).getMatchedCount() == 1);
    }

    @Override
    public boolean delete(String id) {
        return MongoCalls.call("delete client key " + id, () -> collection.deleteOne(eq("_id", id)).getDeletedCount() == 1);
    }

    @Override
    public void addUsage(Map<String, UsageDelta> deltas) {
        UsageWrites.add(collection, deltas);
    }

    @Override
    public OptionalLong addPeriodTokens(String id, Instant periodStart, long tokens) {
        return MongoCalls.call("count period tokens of " + id, () -> {
            Object start = Fields.date(periodStart);
            for (int tries = 0; tries < 3; tries++) {
                Document same = collection.findOneAndUpdate(and(eq("_id", id), eq("periodStart", start)),
                        new Document("$inc", new Document("periodTokens", tokens)), AFTER);
                if (same != null) {
                    return OptionalLong.of(Fields.number(same, "periodTokens"));
                }
                // a new period (or none counted yet): the first instance to get here starts it
                Bson older = or(eq("periodStart", null), lt("periodStart", start));
                Document fresh = collection.findOneAndUpdate(and(eq("_id", id), older),
                        new Document("$set", new Document("periodStart", start).append("periodTokens", tokens)), AFTER);
                if (fresh != null) {
                    return OptionalLong.of(tokens);
                }
                if (collection.countDocuments(and(eq("_id", id), eq("periodStart", start))) == 0) {
                    return OptionalLong.empty(); // gone, or a later period is counted already
                }
            }
            return OptionalLong.empty();
        });
    }

    private static Document controls(ClientKeyControls c) {
        return new Document("rpmLimit", c.rpmLimit())
                .append("tpmLimit", c.tpmLimit())
                .append("tokenBudget", c.tokenBudget())
                .append("budgetPeriod", c.budgetPeriod().wireName())
                .append("expiresAt", Fields.date(c.expiresAt()))
                .append("allowedModels", c.allowedModels().patterns());
    }

    private static ClientKey toKey(Document d) {
        List<String> models = new ArrayList<>();
        d.getList("allowedModels", Object.class, List.of()).forEach(m -> models.add(String.valueOf(m)));
        ClientKeyControls controls = new ClientKeyControls((int) Fields.number(d, "rpmLimit"), Fields.number(d, "tpmLimit"),
                Fields.number(d, "tokenBudget"),
                BudgetPeriod.fromWireName(Fields.string(d, "budgetPeriod")).orElse(BudgetPeriod.TOTAL),
                Fields.instant(d, "expiresAt"), models.isEmpty() ? ModelPatterns.ANY : new ModelPatterns(models));
        return new ClientKey(Fields.string(d, "_id"), Fields.string(d, "name"), Fields.string(d, "keyHash"),
                Fields.string(d, "maskedKey"), Fields.bool(d, "enabled"), controls,
                Fields.number(d, "requestsCount"), Fields.number(d, "tokensUsed"), Fields.instant(d, "lastUsedAt"),
                Fields.instant(d, "createdAt"), Fields.instant(d, "periodStart"), Fields.number(d, "periodTokens"));
    }
}
