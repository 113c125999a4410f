package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.keyrelay.insight.BucketSize;
import io.keyrelay.insight.UsageBucket;
import io.keyrelay.insight.UsageCounts;
import io.keyrelay.insight.UsageDimension;
import io.keyrelay.insight.UsageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * {@code keyrelay_usage}: one document per dimension and bucket ({@code _id} {@code key|hour|2026-12-06T02:00:00Z}),
 * holding every name's counts of that bucket. A range is read by its bucket ids, so reading a month of a thousand keys
 * is 30 (by day) or 720 (by hour) lookups by id, which the embedded database answers from its id index.
 */
public final class MongoUsageStore implements UsageStore {
    static final String[] FIELDS = {"r", "e", "i", "o", "cr", "cw"};
    private static final int BATCH = 32;

    private final MongoCollection<Document> collection;

    MongoUsageStore(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public void add(Map<UsageBucket, UsageCounts> counts) {
        Map<String, Document> incs = new LinkedHashMap<>();
        Map<String, Document> inserts = new HashMap<>();
        counts.forEach((bucket, c) -> {
            for (BucketSize size : BucketSize.values()) {
                Instant start = size.start(bucket.hour());
                String id = id(bucket.dimension(), size, start);
                Document inc = incs.computeIfAbsent(id, k -> new Document());
                inserts.computeIfAbsent(id, k -> new Document("dim", bucket.dimension().apiName())
                        .append("size", size.apiName()).append("at", Fields.date(start)));
                String prefix = "n." + encode(bucket.name()) + ".";
                long[] values = {c.requests(), c.errors(), c.inputTokens(), c.outputTokens(), c.cacheReadTokens(),
                        c.cacheWriteTokens()};
                for (int f = 0; f < FIELDS.length; f++) {
                    inc.merge(prefix + FIELDS[f], values[f], (a, b) -> (Long) a + (Long) b);
                }
            }
        });
        if (incs.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> updates = new ArrayList<>();
        incs.forEach((id, inc) -> updates.add(new UpdateOneModel<>(eq("_id", id),
                new Document("$inc", inc).append("$setOnInsert", inserts.get(id)), new UpdateOptions().upsert(true))));
        MongoCalls.run("write usage over time", () -> collection.bulkWrite(updates, new BulkWriteOptions().ordered(false)));
    }

    @Override
    public Map<String, Map<Instant, UsageCounts>> read(UsageDimension by, BucketSize size, Instant from, Instant to) {
        List<String> ids = new ArrayList<>();
        for (Instant at = size.start(from); at.isBefore(to); at = at.plus(size.width())) {
            ids.add(id(by, size, at));
        }
        Map<String, Map<Instant, UsageCounts>> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        // a few documents a batch: a busy hour of a thousand keys is ~80 KB, and a reply may not exceed 48 MB
        MongoCalls.run("read usage over time", () -> collection.find(in("_id", ids)).batchSize(BATCH).forEach(doc -> {
            Instant at = Fields.instant(doc, "at");
            Object names = doc.get("n");
            if (at == null || !(names instanceof Document n)) {
                return;
            }
            n.forEach((encoded, value) -> {
                if (value instanceof Document v) {
                    out.computeIfAbsent(decode(encoded), k -> new HashMap<>()).put(at, counts(v));
                }
            });
        }));
        return out;
    }

    @Override
    public void prune(Instant before) {
        MongoCalls.run("prune usage over time", () -> collection.deleteMany(lt("at", Fields.date(before))));
    }

    private static UsageCounts counts(Document v) {
        return new UsageCounts(Fields.number(v, "r"), Fields.number(v, "e"), Fields.number(v, "i"),
                Fields.number(v, "o"), Fields.number(v, "cr"), Fields.number(v, "cw"));
    }

    static String id(UsageDimension dimension, BucketSize size, Instant start) {
        return dimension.apiName() + "|" + size.apiName() + "|" + start;
    }

    /**
     * A name as a field name: {@code %}, {@code .}, {@code $} and control characters percent-encoded (a field name
     * may hold no dot, start with no dollar and hold no zero byte; model names come from clients).
     */
    static String encode(String name) {
        StringBuilder b = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean escape = c == '%' || c == '.' || c == '$' || c < 0x20;
            if (escape && b == null) {
                b = new StringBuilder(name.length() + 8).append(name, 0, i);
            }
            if (b != null) {
                if (escape) {
                    b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? name : b.toString();
    }

    static String decode(String field) {
        if (field.indexOf('%') < 0) {
            return field;
        }
        StringBuilder b = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            int hi = c == '%' && i + 2 < field.length() ? Character.digit(field.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(field.charAt(i + 2), 16);
            if (lo >= 0) {
                b.append((char) (hi << 4 | lo));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
