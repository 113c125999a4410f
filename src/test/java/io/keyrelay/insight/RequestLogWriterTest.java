package io.keyrelay.insight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request log's queue and writer: bounded, rate-capped, pruned, and never waiting for the database. */
class RequestLogWriterTest {
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    @TempDir
    Path dataDir;
    MongoStorage storage;
    MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void open() {
        storage = TestStorage.open(dataDir);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static RequestRecord request(Instant at, String model) {
        return new RequestRecord(at, "/v1/messages", model, false, "ck", List.of(), 200, 1, 2, 0, 0, 0, 0);
    }

    private InsightWriter writer(RequestLog log, int perSecond, long maxEntries) {
        return new InsightWriter(log, storage.requestLog(), storage.usage(),
                new InsightWriter.Settings(Duration.ofDays(7), maxEntries, perSecond, Duration.ofDays(90)), clock, "i1");
    }

    private List<String> models() {
        List<String> out = new ArrayList<>();
        RequestCursor cursor = null;
        do {
            RequestPage page = storage.requestLog().page(new RequestQuery(null, null, null, null, null, null, cursor, 200));
            page.requests().forEach(r -> out.add(r.request().model()));
            cursor = page.next();
        } while (cursor != null);
        return out;
    }

    @Test
    void aFullQueueDropsAndCountsWhatComesNext() {
        RequestLog log = new RequestLog(3);
        for (int i = 0; i < 5; i++) {
            log.offer(request(T0, "m" + i));
        }
        assertEquals(3, log.queued());
        assertEquals(2, log.dropped());

        writer(log, 1_000, 0).tick();
        assertEquals(List.of("m2", "m1", "m0"), models());
        assertEquals(0, log.queued());
    }

    @Test
    void aTickWritesAtMostItsShareOfTheRate() {
        RequestLog log = new RequestLog(1_000);
        for (int i = 0; i < 100; i++) {
            log.offer(request(T0.plusMillis(i), "m" + i));
        }
        InsightWriter w = writer(log, 40, 0); // 40 a tick of a second

        w.tick();
        assertEquals(40, models().size());
        assertEquals(60, log.queued());
        assertEquals(40, w.written());
    }

    @Test
    void aBatchTheDatabaseRefusesIsDroppedAndCounted() {
        RequestLog log = new RequestLog(100);
        log.offer(request(T0, "m"));
        InsightWriter w = writer(log, 1_000, 0);
        storage.close(); // every call fails from here on

        w.tick();
        assertEquals(1, log.dropped());
        assertEquals(0, log.queued());
        assertEquals(0, w.written());
        storage = TestStorage.open(dataDir);
    }

    @Test
    void entriesPastTheRetentionOrBeyondTheCapArePruned() {
        storage.requestLog().insert(List.of(request(T0.minus(Duration.ofDays(8)), "old")), "i1");
        List<RequestRecord> recent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recent.add(request(T0.minusSeconds(60 - i), "r" + i));
        }
        storage.requestLog().insert(recent, "i1");
        clock.advance(Duration.ofMinutes(2)); // the first tick prunes

        writer(new RequestLog(10), 1_000, 3).tick();
        assertEquals(List.of("r4", "r3", "r2"), models());
    }

    @Test
    void theCapHoldsEveryMinuteWhileTheRetentionIsPrunedEveryHour() {
        InsightWriter w = writer(new RequestLog(10), 1_000, 3);
        clock.advance(Duration.ofHours(2));
        w.tick(); // the first round prunes and caps
        storage.requestLog().insert(List.of(request(clock.instant().minus(Duration.ofDays(8)), "old")), "i1");

        clock.advance(Duration.ofMinutes(1));
        w.tick();
        assertEquals(List.of("old"), models()); // under the cap; its retention waits for the hour
        clock.advance(Duration.ofMinutes(59));
        w.tick();
        assertEquals(List.of(), models()); // an hour after the last retention prune

        List<RequestRecord> recent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recent.add(request(clock.instant().minusSeconds(10 - i), "r" + i));
        }
        storage.requestLog().insert(recent, "i1");
        clock.advance(Duration.ofMinutes(1));
        w.tick();
        assertEquals(List.of("r4", "r3", "r2"), models()); // over the cap: held to the newest three a minute later
    }

    @Test
    void theLogSwitchedOffTakesNothing() {
        assertFalse(RequestLog.OFF.offer(request(T0, "m")));
        assertEquals(0, RequestLog.OFF.dropped());
        assertFalse(RequestLog.OFF.enabled());
        assertTrue(new RequestLog(1).enabled());
    }

    @Test
    void cursorsAndStatusFiltersReadOnlyWhatTheyWrote() {
        assertTrue(RequestCursor.parse("zzz").isEmpty());
        assertTrue(RequestCursor.parse("12_xyz").isEmpty());
        RequestCursor c = new RequestCursor(T0, "65f0c0ffee00112233445566");
        assertEquals(c, RequestCursor.parse(c.text()).orElseThrow());
        assertEquals(new StatusFilter(500, 599), StatusFilter.parse("5xx").orElseThrow());
        assertEquals(new StatusFilter(429, 429), StatusFilter.parse("429").orElseThrow());
        assertTrue(StatusFilter.parse("600").isEmpty());
        assertTrue(StatusFilter.parse("6xx").isEmpty());
        assertNull(StatusFilter.parse("abc").orElse(null));
    }
}
