package io.keyrelay.insight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage buckets counted in memory, written to the database and read back as series, at a pool's scale. */
class UsageStoreTest {
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dataDir;
    MongoStorage storage;
    UsageStore store;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dataDir);
        store = storage.usage();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static RequestRecord request(Instant at, String key, String model, int status, long input) {
        return new RequestRecord(at, "/v1/messages", model, false, "ck1",
                List.of(new AttemptRecord(key, false, status, 5)), status, 5, 6, input, 1, 0, 0);
    }

    @Test
    void requestsLandInTheHourTheyArrivedInAndDaysSumTheirHours() {
        UsageBuckets buckets = new UsageBuckets();
        buckets.record(request(START.plusSeconds(10), "k1", "m", 200, 100));
        buckets.record(request(START.plusSeconds(3_700), "k1", "m", 500, 50));
        buckets.record(request(START.plusSeconds(3_800), "k2", "m", 200, 7));
        store.add(buckets.drain(START.plusSeconds(3_900)));

        List<UsageSeries> hours = new UsageReport(store).series(UsageDimension.KEY, BucketSize.HOUR, START,
                START.plus(3, ChronoUnit.HOURS), 10);
        assertEquals(List.of("k1", "k2"), hours.stream().map(UsageSeries::name).toList());
        UsageSeries k1 = hours.get(0);
        assertEquals(3, k1.points().size());
        assertEquals(new UsageCounts(1, 0, 100, 1, 0, 0), k1.points().get(0).counts());
        assertEquals(new UsageCounts(1, 1, 50, 1, 0, 0), k1.points().get(1).counts());
        assertEquals(UsageCounts.ZERO, k1.points().get(2).counts());

        List<UsageSeries> days = new UsageReport(store).series(UsageDimension.KEY, BucketSize.DAY, START,
                START.plus(1, ChronoUnit.DAYS), 10);
        assertEquals(new UsageCounts(2, 1, 150, 2, 0, 0), days.get(0).points().get(0).counts());
    }

    @Test
    void aFlushThatFindsItsBucketsWrittenAddsToThem() {
        UsageBuckets buckets = new UsageBuckets();
        buckets.record(request(START, "k1", "m", 200, 10));
        store.add(buckets.drain(START));
        buckets.record(request(START.plusSeconds(5), "k1", "m", 200, 10));
        store.add(buckets.drain(START));

        assertEquals(20, store.read(UsageDimension.MODEL, BucketSize.HOUR, START, START.plusSeconds(3600))
                .get("m").get(START).inputTokens());
    }

    @Test
    void namesAClientChoseAreKeptAsTheyAreAndTheirNumberIsCapped() {
        UsageBuckets buckets = new UsageBuckets();
        List<String> odd = List.of("gpt-4.1", "$where", "a%2Eb", "nul\0byte", "x.y.z", "ünïcødé");
        odd.forEach(m -> buckets.record(request(START, "k1", m, 200, 1)));
        for (int i = 0; i < UsageBuckets.MAX_MODELS_PER_HOUR + 50; i++) {
            buckets.record(request(START, "k1", "model-" + i, 200, 1));
        }
        store.add(buckets.drain(START));

        Map<String, Map<Instant, UsageCounts>> read = store.read(UsageDimension.MODEL, BucketSize.HOUR, START, START.plusSeconds(3600));
        odd.forEach(m -> assertTrue(read.containsKey(m), m));
        assertEquals(UsageBuckets.MAX_MODELS_PER_HOUR + 1, read.size(), "500 names, the rest as (other)");
        assertEquals(odd.size() + 50, read.get(UsageBuckets.OTHER).get(START).requests());
    }

    @Test
    void oldBucketsArePrunedAndMemoryForgetsHoursThatEnded() {
        UsageBuckets buckets = new UsageBuckets();
        buckets.record(request(START, "k1", "m", 200, 1));
        store.add(buckets.drain(START.plus(5, ChronoUnit.HOURS)));
        assertEquals(Map.of(), buckets.drain(START.plus(5, ChronoUnit.HOURS)), "an hour long over is not kept");

        store.prune(START.plus(2, ChronoUnit.DAYS));
        assertEquals(Map.of(), store.read(UsageDimension.KEY, BucketSize.DAY, START, START.plus(1, ChronoUnit.DAYS)));
    }
}
