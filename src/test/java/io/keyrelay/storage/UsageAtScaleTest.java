package io.keyrelay.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.insight.BucketSize;
import io.keyrelay.insight.UsageCounts;
import io.keyrelay.insight.UsageDimension;
import io.keyrelay.insight.UsageReport;
import io.keyrelay.insight.UsageSeries;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A month of hourly buckets for 1,000 pool keys on the embedded database, read as the usage page reads it. The buckets
 * are stored as the usage flushes leave them (seeded directly: adding them flush by flush would take minutes). The
 * test asserts what is read; the times are printed for docs/admin-api.md, as speed belongs to the bench.
 */
class UsageAtScaleTest {
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant END = START.plus(30, ChronoUnit.DAYS);
    private static final int KEYS = 1_000;

    @TempDir
    Path dataDir;
    MongoStorage storage;

    @BeforeEach
    void seed() {
        storage = TestStorage.open(dataDir);
        var collection = storage.database().getCollection("keyrelay_usage");
        List<Document> docs = new ArrayList<>();
        for (Instant hour = START; hour.isBefore(END); hour = hour.plus(1, ChronoUnit.HOURS)) {
            docs.add(bucket(BucketSize.HOUR, hour, 1));
            if (docs.size() == 24) {
                docs.add(bucket(BucketSize.DAY, hour.truncatedTo(ChronoUnit.DAYS), 24));
                collection.insertMany(docs);
                docs.clear();
            }
        }
    }

    private static Document bucket(BucketSize size, Instant start, long hours) {
        Document names = new Document();
        for (int k = 0; k < KEYS; k++) {
            long[] values = {hours, 0, k * hours, hours, 0, 0};
            Document counts = new Document();
            for (int f = 0; f < values.length; f++) {
                counts.append(MongoUsageStore.FIELDS[f], values[f]);
            }
            names.append(MongoUsageStore.encode("key-" + k), counts);
        }
        return new Document("_id", MongoUsageStore.id(UsageDimension.KEY, size, start)).append("dim", "key")
                .append("size", size.apiName()).append("at", Fields.date(start)).append("n", names);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aMonthOfAThousandKeysIsReadByDayAndByHour() {
        UsageReport report = new UsageReport(storage.usage());

        long t0 = System.nanoTime();
        List<UsageSeries> days = report.series(UsageDimension.KEY, BucketSize.DAY, START, END, 10);
        long t1 = System.nanoTime();
        List<UsageSeries> lastDay = report.series(UsageDimension.KEY, BucketSize.HOUR, END.minus(1, ChronoUnit.DAYS), END, 10);
        long t2 = System.nanoTime();
        List<UsageSeries> week = report.series(UsageDimension.KEY, BucketSize.HOUR, END.minus(7, ChronoUnit.DAYS), END, 10);
        long t3 = System.nanoTime();
        List<UsageSeries> month = report.series(UsageDimension.KEY, BucketSize.HOUR, START, END, 10);
        long t4 = System.nanoTime();

        assertEquals(11, days.size(), "ten keys and (other)");
        assertEquals("key-999", days.get(0).name());
        assertEquals(30, days.get(0).points().size());
        assertEquals(new UsageCounts(24, 0, 999 * 24, 24, 0, 0), days.get(0).points().get(0).counts());
        assertEquals(24, lastDay.get(0).points().size());
        assertEquals(168, week.get(0).points().size());
        assertEquals(720, month.get(0).points().size());
        assertEquals(990L * 720, month.get(10).total().requests(), "(other) holds the other 990 keys");
        System.out.printf("usage at scale (1,000 keys): a month by day %d ms, a day by hour %d ms, a week by hour %d ms, "
                + "a month by hour %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                (t4 - t3) / 1_000_000);
    }
}
