package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import io.keyrelay.insight.AttemptRecord;
import io.keyrelay.insight.LoggedRequest;
import io.keyrelay.insight.RequestCursor;
import io.keyrelay.insight.RequestLogStore;
import io.keyrelay.insight.RequestPage;
import io.keyrelay.insight.RequestQuery;
import io.keyrelay.insight.RequestRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/** {@code keyrelay_requests}: one document per proxied request, newest read first by arrival then id. */
public final class MongoRequestLog implements RequestLogStore {
    private static final Bson NEWEST_FIRST = Sorts.descending("at", "_id");

    private final MongoCollection<Document> collection;

    MongoRequestLog(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public void insert(List<RequestRecord> batch, String instance) {
        List<Document> docs = new ArrayList<>(batch.size());
        for (RequestRecord r : batch) {
            docs.add(toDocument(r, instance));
        }
        MongoCalls.run("write the request log", () -> collection.insertMany(docs, new InsertManyOptions().ordered(false)));
    }

    @Override
    public RequestPage page(RequestQuery q) {
        List<Bson> filters = new ArrayList<>();
        if (q.clientKeyId() != null) {
            filters.add(eq("clientKeyId", q.clientKeyId()));
        }
        if (q.keyId() != null) {
            filters.add(eq("attempts.keyId", q.keyId()));
        }
        if (q.status() != null) {
            filters.add(q.status().low() == q.status().high() ? eq("status", q.status().low())
                    : and(gte("status", q.status().low()), lte("status", q.status().high())));
        }
        if (q.model() != null) {
            filters.add(eq("model", q.model()));
        }
        if (q.from() != null) {
            filters.add(gte("at", Fields.date(q.from())));
        }
        if (q.to() != null) {
            filters.add(lt("at", Fields.date(q.to())));
        }
        if (q.cursor() != null) {
            filters.add(olderThan(q.cursor()));
        }
        Bson filter = filters.isEmpty() ? new Document() : and(filters);
        List<LoggedRequest> found = MongoCalls.call("read the request log", () -> collection.find(filter)
                .sort(NEWEST_FIRST).limit(q.limit() + 1).map(MongoRequestLog::toLogged).into(new ArrayList<>()));
        if (found.size() <= q.limit()) {
            return new RequestPage(found, null);
        }
        List<LoggedRequest> page = found.subList(0, q.limit());
        LoggedRequest last = page.get(page.size() - 1);
        return new RequestPage(List.copyOf(page), new RequestCursor(last.request().at(), last.id()));
    }

    @Override
    public void pruneBefore(Instant before) {
        MongoCalls.run("prune the request log", () -> collection.deleteMany(lt("at", Fields.date(before))));
    }

    @Override
    public void keepNewest(long maxEntries) {
        MongoCalls.run("cap the request log", () -> {
            if (collection.estimatedDocumentCount() <= maxEntries) {
                return; // the collection's count, not a scan: the usual case costs next to nothing
            }
            Document oldestKept = collection.find().projection(new Document("at", 1)).sort(NEWEST_FIRST)
                    .skip((int) Math.min(maxEntries - 1, Integer.MAX_VALUE)).limit(1).first();
            if (oldestKept != null) {
                collection.deleteMany(olderThan(new RequestCursor(Fields.instant(oldestKept, "at"),
                        oldestKept.getObjectId("_id").toHexString())));
            }
        });
    }

    /** Entries after {@code c} in newest-first order. */
    private static Bson olderThan(RequestCursor c) {
        Object id = ObjectId.isValid(c.id()) ? new ObjectId(c.id()) : c.id();
        return or(lt("at", Fields.date(c.at())), and(eq("at", Fields.date(c.at())), lt("_id", id)));
    }

    private static Document toDocument(RequestRecord r, String instance) {
        List<Document> attempts = new ArrayList<>(r.attempts().size());
        for (AttemptRecord a : r.attempts()) {
            attempts.add(new Document("keyId", a.keyId()).append("failover", a.failover()).append("status", a.status())
                    .append("ms", a.ms()));
        }
        return new Document("at", Fields.date(r.at()))
                .append("route", r.route())
                .append("model", r.model())
                .append("stream", r.stream())
                .append("clientKeyId", r.clientKeyId())
                .append("attempts", attempts)
                .append("status", r.status())
                .append("firstByteMs", r.firstByteMs())
                .append("totalMs", r.totalMs())
                .append("inputTokens", r.inputTokens())
                .append("outputTokens", r.outputTokens())
                .append("cacheReadTokens", r.cacheReadTokens())
                .append("cacheWriteTokens", r.cacheWriteTokens())
                .append("instance", instance);
    }

    private static LoggedRequest toLogged(Document d) {
        List<AttemptRecord> attempts = new ArrayList<>();
        List<?> stored = d.getList("attempts", Object.class, List.of());
        for (Object o : stored) {
            if (o instanceof Document a) {
                attempts.add(new AttemptRecord(Fields.string(a, "keyId"), Fields.bool(a, "failover"),
                        (int) Fields.number(a, "status"), Fields.number(a, "ms")));
            }
        }
        RequestRecord r = new RequestRecord(Fields.instant(d, "at"), Fields.string(d, "route"), Fields.string(d, "model"),
                Fields.bool(d, "stream"), Fields.string(d, "clientKeyId"), attempts, (int) Fields.number(d, "status"),
                Fields.number(d, "firstByteMs"), Fields.number(d, "totalMs"), Fields.number(d, "inputTokens"),
                Fields.number(d, "outputTokens"), Fields.number(d, "cacheReadTokens"), Fields.number(d, "cacheWriteTokens"));
        Object id = d.get("_id");
        String text = id instanceof ObjectId oid ? oid.toHexString() : String.valueOf(id);
        return new LoggedRequest(text, Fields.string(d, "instance"), r);
    }
}
