package io.keyrelay.storage;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import io.keyrelay.keys.EventLog;
import io.keyrelay.keys.KeyEvent;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/** {@code keyrelay_events}: one document per key state change. */
public final class MongoEventLog implements EventLog {
    private final MongoCollection<Document> collection;

    MongoEventLog(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    @Override
    public void append(KeyEvent e) {
        MongoCalls.run("record event", () -> collection.insertOne(toDocument(e)));
    }

    @Override
    public void appendAll(List<KeyEvent> events) {
        if (!events.isEmpty()) {
            MongoCalls.run("record " + events.size() + " events", () -> collection.insertMany(
                    events.stream().map(MongoEventLog::toDocument).toList()));
        }
    }

    private static Document toDocument(KeyEvent e) {
        return new Document()
                .append("keyId", e.keyId())
                .append("from", e.from())
                .append("to", e.to())
                .append("reason", e.reason())
                .append("upstreamStatus", e.upstreamStatus())
                .append("detail", e.detail())
                .append("instance", e.instance())
                .append("at", Fields.date(e.at()));
    }

    @Override
    public List<KeyEvent> page(String keyId, int offset, int limit) {
        return MongoCalls.call("list events", () -> collection.find(filter(keyId))
                .sort(Sorts.descending("at", "_id")).skip(offset).limit(limit)
                .map(MongoEventLog::toEvent).into(new ArrayList<>()));
    }

    @Override
    public long count(String keyId) {
        return MongoCalls.call("count events", () -> collection.countDocuments(filter(keyId)));
    }

    @Override
    public long deleteBefore(java.time.Instant before) {
        return MongoCalls.call("delete old events", () -> collection.deleteMany(
                com.mongodb.client.model.Filters.lt("at", Fields.date(before))).getDeletedCount());
    }

    private static Bson filter(String keyId) {
        return keyId == null ? new Document() : eq("keyId", keyId);
    }

    private static KeyEvent toEvent(Document d) {
        Object status = d.get("upstreamStatus");
        return new KeyEvent(Fields.string(d, "keyId"), Fields.string(d, "from"), Fields.string(d, "to"),
                Fields.string(d, "reason"), status instanceof Number n ? n.intValue() : null,
                Fields.string(d, "detail"), Fields.string(d, "instance"), Fields.instant(d, "at"));
    }
}
