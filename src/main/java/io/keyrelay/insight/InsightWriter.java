package io.keyrelay.insight;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the request log on a thread of its own, in batches, at most {@code maxPerSecond} entries a second (the
 * rest wait in the {@link RequestLog}'s queue, and past its capacity are dropped); a batch the database refuses is
 * dropped and counted too, since the log must never hold the proxy back. Also prunes the log and usage buckets past
 * their retention.
 */
public final class InsightWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InsightWriter.class);
    static final long TICK_MS = 1_000;
    private static final long CAP_EVERY_MS = 60_000;
    private static final long PRUNE_EVERY_MS = 3_600_000;

    /**
     * @param maxEntries    the log keeps at most this many entries (0: no cap), pruned every minute; what passed its
     *                      retention goes every hour
     * @param maxPerSecond  entries written a second at most
     */
    public record Settings(Duration requestRetention, long maxEntries, int maxPerSecond, Duration usageRetention) {
    }

    private final RequestLog queue;
    private final RequestLogStore requests;
    private final UsageStore usage;
    private final Settings settings;
    private final Clock clock;
    private final String instance;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "keyrelay-request-log");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong written = new AtomicLong();
    private long lastCap;
    private long lastPrune;
    private long lastFailureLogged;

    public InsightWriter(RequestLog queue, RequestLogStore requests, UsageStore usage, Settings settings, Clock clock,
                         String instance) {
        this.queue = queue;
        this.requests = requests;
        this.usage = usage;
        this.settings = settings;
        this.clock = clock;
        this.instance = instance;
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * One round: a batch written, every minute the log held to its cap, every hour what passed its retention pruned.
     * Public for tests, which call it directly.
     */
    public void tick() {
        try {
            writeBatch();
            long now = clock.millis();
            if (now - lastPrune >= PRUNE_EVERY_MS) {
                lastPrune = now;
                requests.pruneBefore(clock.instant().minus(settings.requestRetention()));
                usage.prune(clock.instant().minus(settings.usageRetention()));
            }
            if (settings.maxEntries() > 0 && now - lastCap >= CAP_EVERY_MS) {
                lastCap = now;
                requests.keepNewest(settings.maxEntries());
            }
        } catch (RuntimeException e) {
            logFailure("request log maintenance failed: {}", e);
        }
    }

    private void writeBatch() {
        int max = (int) Math.max(1, settings.maxPerSecond() * TICK_MS / 1000);
        List<RequestRecord> batch = new ArrayList<>();
        if (queue.drainTo(batch, max) == 0) {
            return;
        }
        try {
            requests.insert(batch, instance);
            written.addAndGet(batch.size());
        } catch (RuntimeException e) {
            queue.countDropped(batch.size());
            logFailure("request log: a batch of " + batch.size() + " could not be written and was dropped: {}", e);
        }
    }

    private void logFailure(String message, RuntimeException e) {
        long now = clock.millis();
        if (now - lastFailureLogged >= 60_000) { // once a minute at most: an outage must not flood the log
            lastFailureLogged = now;
            log.warn(message, e.toString());
        }
    }

    /** Entries written since start. */
    public long written() {
        return written.get();
    }

    /** Writes what is queued (as fast as the database takes it) and stops. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<RequestRecord> rest = new ArrayList<>();
        while (queue.drainTo(rest, 1000) > 0) {
            try {
                requests.insert(rest, instance);
                written.addAndGet(rest.size());
            } catch (RuntimeException e) {
                queue.countDropped(rest.size());
                log.warn("request log: {} entries could not be written at shutdown", rest.size());
            }
            rest.clear();
        }
    }
}
