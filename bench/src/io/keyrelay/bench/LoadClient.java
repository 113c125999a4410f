package io.keyrelay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Load for the benchmark, on one Vert.x event loop. Two modes, each bounded in time:
 * <ul>
 *   <li>{@code mode=sse}: keeps {@code concurrency} SSE streams open (closed loop: a finished stream is replaced at
 *   once), alternating the Anthropic and OpenAI routes, for {@code duration} seconds after a {@code ramp}. Reports
 *   first-chunk latency, per-chunk delay (arrival minus the upstream's send time stamped in the chunk), the worst
 *   gap between two chunks of a stream, streams completed and chunks lost.</li>
 *   <li>{@code mode=burst}: {@code bursts} times, {@code streams} SSE streams started at once, each on a new
 *   connection (no keep-alive), and a {@code pause} after all have ended; reports what {@code sse} does.</li>
 *   <li>{@code mode=rate}: small non-streaming requests at {@code rate} per second (open loop) plus {@code streams}
 *   background SSE streams; prints one line per {@code report} seconds (used by the soak).</li>
 * </ul>
 * The last line printed is {@code RESULT <json>}.
 *
 * <p>Arguments are {@code key=value}: {@code url} (base, e.g. {@code http://127.0.0.1:8080}), {@code messages} and
 * {@code completions} (paths), {@code auth} (the Authorization header), {@code chunks} (expected per stream).
 */
public final class LoadClient {
    private static final String BODY_A = "{\"model\":\"claude-bench\",\"max_tokens\":64,\"stream\":%s,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
    private static final String BODY_O = "{\"model\":\"gpt-bench\",\"stream\":%s,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";

    private final Map<String, String> args;
    private final Vertx vertx;
    private final HttpClient client;
    private final URI base;
    private final int chunks;
    private final Buffer streamA;
    private final Buffer streamO;
    private final Buffer plainA;

    // results, touched only on the one event loop
    private final Samples firstChunk = new Samples();
    private final Samples chunkDelay = new Samples();
    private final Samples requestLatency = new Samples();
    private long worstGapNs;
    private long started;
    private long completed;
    private long incomplete;
    private long lostChunks;
    private long errors;
    private long requestsOk;
    private long requestErrors;
    private long skipped;
    private int inflight;
    private boolean measuring;
    private boolean stopping;
    private final Map<Integer, Long> statusCounts = new HashMap<>();

    private LoadClient(Map<String, String> args) {
        this.args = args;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        int conns = Integer.parseInt(args.getOrDefault("connections", "5000"));
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(10_000).setMaxHeaderSize(64 * 1024),
                new PoolOptions().setHttp1MaxSize(conns).setMaxWaitQueueSize(-1));
        this.base = URI.create(args.get("url"));
        this.chunks = Integer.parseInt(args.getOrDefault("chunks", "50"));
        this.streamA = Buffer.buffer(String.format(BODY_A, "true"));
        this.streamO = Buffer.buffer(String.format(BODY_O, "true"));
        this.plainA = Buffer.buffer(String.format(BODY_A, "false"));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        LoadClient lc = new LoadClient(args);
        JsonObject result = switch (args.getOrDefault("mode", "sse")) {
            case "rate" -> lc.runRate();
            case "burst" -> lc.runBursts();
            default -> lc.runSse();
        };
        System.out.println("RESULT " + result.encode());
        System.out.flush();
        lc.vertx.close().await(5, TimeUnit.SECONDS);
        System.exit(0);
    }

    // ---------- SSE streams (closed loop) ----------

    private JsonObject runSse() throws InterruptedException {
        int concurrency = Integer.parseInt(args.getOrDefault("concurrency", "200"));
        long rampMs = (long) (Double.parseDouble(args.getOrDefault("ramp", "2")) * 1000);
        long durationMs = (long) (Double.parseDouble(args.getOrDefault("duration", "20")) * 1000);
        long t0 = System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        vertx.runOnContext(v -> {
            // spread the first streams over the ramp so connects do not arrive as one burst
            for (int i = 0; i < concurrency; i++) {
                long delay = Math.max(1, rampMs * i / concurrency);
                int slot = i;
                vertx.setTimer(delay, t -> streamLoop(slot));
            }
            vertx.setTimer(rampMs + 500, t -> measuring = true);
            vertx.setTimer(rampMs + 500 + durationMs, t -> {
                measuring = false;
                stopping = true;
                waitForInflight(done, System.nanoTime() + TimeUnit.SECONDS.toNanos(15));
            });
        });
        done.await(rampMs + durationMs + 30_000, TimeUnit.MILLISECONDS);
        return streamResult(durationMs / 1000.0, t0).put("concurrency", concurrency);
    }

    /** What both stream modes report, for streams counted over {@code seconds}. */
    private JsonObject streamResult(double seconds, long t0) {
        return new JsonObject()
                .put("seconds", seconds)
                .put("streamsPerSecond", completed / seconds)
                .put("started", started)
                .put("completed", completed)
                .put("incomplete", incomplete)
                .put("lostChunks", lostChunks)
                .put("errors", errors)
                .put("statuses", statuses())
                .put("firstChunkP50Ms", firstChunk.percentileMs(50))
                .put("firstChunkP99Ms", firstChunk.percentileMs(99))
                .put("chunkDelayP50Ms", chunkDelay.percentileMs(50))
                .put("chunkDelayP99Ms", chunkDelay.percentileMs(99))
                .put("chunkDelayMaxMs", chunkDelay.percentileMs(100))
                .put("chunks", chunkDelay.size())
                .put("worstGapMs", worstGapNs / 1e6)
                .put("wallSeconds", (System.nanoTime() - t0) / 1e9);
    }

    // ---------- bursts of new streams, each on a connection of its own ----------

    private JsonObject runBursts() throws InterruptedException {
        int streams = Integer.parseInt(args.getOrDefault("streams", "200"));
        int bursts = Integer.parseInt(args.getOrDefault("bursts", "5"));
        long pauseMs = (long) (Double.parseDouble(args.getOrDefault("pause", "1")) * 1000);
        CountDownLatch warm = new CountDownLatch(1);
        vertx.runOnContext(v -> burst(streams, 1, pauseMs, warm)); // this JVM's first burst runs cold code: not counted
        warm.await(120, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        measuring = true;
        vertx.runOnContext(v -> burst(streams, bursts, pauseMs, done));
        done.await(bursts * 120L, TimeUnit.SECONDS);
        return streamResult((System.nanoTime() - t0) / 1e9, t0).put("streams", streams).put("bursts", bursts);
    }

    /** {@code streams} streams started at once on fresh connections; when all have ended, a pause, then the next. */
    private void burst(int streams, int left, long pauseMs, CountDownLatch done) {
        if (left == 0) {
            done.countDown();
            return;
        }
        HttpClient fresh = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true)
                .setConnectTimeout(10_000), new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1));
        int[] open = {streams};
        for (int i = 0; i < streams; i++) {
            oneStream(fresh, i % 2 == 0, () -> {
                if (--open[0] == 0) {
                    fresh.close();
                    vertx.setTimer(pauseMs, t -> burst(streams, left - 1, pauseMs, done));
                }
            });
        }
    }

    private void waitForInflight(CountDownLatch done, long deadline) {
        if (inflight == 0 || System.nanoTime() > deadline) {
            done.countDown();
            return;
        }
        vertx.setTimer(50, t -> waitForInflight(done, deadline));
    }

    private void streamLoop(int slot) {
        if (stopping) {
            return;
        }
        boolean anthropic = (slot + started) % 2 == 0;
        oneStream(client, anthropic, () -> streamLoop(slot));
    }

    /** One SSE stream through {@code via}; {@code next} runs when it is over, whatever happened. */
    private void oneStream(HttpClient via, boolean anthropic, Runnable next) {
        boolean counted = measuring;
        long start = System.nanoTime();
        inflight++;
        if (counted) {
            started++;
        }
        RequestOptions opts = request(anthropic ? args.get("messages") : args.get("completions"));
        via.request(opts)
                .compose(req -> req.send(anthropic ? streamA : streamO))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        finishStream(counted, false, 0, next, true);
                        return;
                    }
                    HttpClientResponse resp = ar.result();
                    count(resp.statusCode());
                    if (resp.statusCode() != 200) {
                        resp.handler(b -> { });
                        resp.endHandler(v -> finishStream(counted, false, 0, next, true));
                        resp.exceptionHandler(e -> finishStream(counted, false, 0, next, true));
                        return;
                    }
                    ChunkParser parser = new ChunkParser(counted, start);
                    boolean[] over = {false};
                    resp.handler(parser::feed);
                    resp.endHandler(v -> {
                        if (!over[0]) {
                            over[0] = true;
                            finishStream(counted, parser.count == chunks, parser.count, next, false);
                        }
                    });
                    resp.exceptionHandler(e -> {
                        if (!over[0]) {
                            over[0] = true;
                            finishStream(counted, false, parser.count, next, true);
                        }
                    });
                });
    }

    private void finishStream(boolean counted, boolean complete, int received, Runnable next, boolean error) {
        inflight--;
        if (counted) {
            if (complete) {
                completed++;
            } else {
                incomplete++;
                lostChunks += Math.max(0, chunks - received);
            }
            if (error) {
                errors++;
            }
        }
        if (error) {
            vertx.setTimer(10, t -> next.run()); // do not spin on a refusing target
        } else {
            next.run();
        }
    }

    /** Finds {@code #<seq>@<nanos>} markers in the byte stream, across buffer boundaries. */
    private final class ChunkParser {
        final boolean counted;
        final long start;
        int count;
        int state; // 0 = looking for '#', 1 = reading seq, 2 = reading nanos
        long seq;
        long stamp;
        long lastArrival;

        ChunkParser(boolean counted, long start) {
            this.counted = counted;
            this.start = start;
        }

        void feed(Buffer buf) {
            long now = System.nanoTime();
            if (lastArrival == 0 && counted) {
                firstChunk.add(now - start);
            }
            int n = buf.length();
            for (int i = 0; i < n; i++) {
                byte b = buf.getByte(i);
                switch (state) {
                    case 0 -> {
                        if (b == '#') {
                            state = 1;
                            seq = 0;
                        }
                    }
                    case 1 -> {
                        if (b >= '0' && b <= '9') {
                            seq = seq * 10 + (b - '0');
                        } else if (b == '@') {
                            state = 2;
                            stamp = 0;
                        } else {
                            state = 0;
                        }
                    }
                    default -> {
                        if (b >= '0' && b <= '9') {
                            stamp = stamp * 10 + (b - '0');
                        } else {
                            state = 0;
                            onChunk(now);
                        }
                    }
                }
            }
            if (lastArrival == 0) {
                lastArrival = now;
            }
        }

        void onChunk(long now) {
            if (seq != count) {
                // out of order or skipped: count what arrived, the loss shows at the end
                count = (int) seq;
            }
            count++;
            if (counted) {
                chunkDelay.add(now - stamp);
                if (lastArrival != 0 && seq > 0) {
                    worstGapNs = Math.max(worstGapNs, now - lastArrival);
                }
            }
            lastArrival = now;
        }
    }

    // ---------- non-streaming requests at a fixed rate (soak) ----------

    private JsonObject runRate() throws InterruptedException {
        double rate = Double.parseDouble(args.getOrDefault("rate", "1000"));
        int streams = Integer.parseInt(args.getOrDefault("streams", "0"));
        long durationMs = (long) (Double.parseDouble(args.getOrDefault("duration", "60")) * 1000);
        long reportMs = (long) (Double.parseDouble(args.getOrDefault("report", "60")) * 1000);
        int maxInflight = Integer.parseInt(args.getOrDefault("maxInflight", "512"));
        CountDownLatch done = new CountDownLatch(1);
        long t0 = System.nanoTime();
        long[] issued = {0};
        long[] window = {t0, 0, 0, 0};
        Samples windowLatency = new Samples();
        measuring = true;
        vertx.runOnContext(v -> {
            for (int i = 0; i < streams; i++) {
                int slot = i;
                vertx.setTimer(1 + 2000L * i / Math.max(1, streams), t -> streamLoop(slot));
            }
            vertx.setPeriodic(1, id -> {
                long now = System.nanoTime();
                if (now - t0 >= durationMs * 1_000_000L) {
                    vertx.cancelTimer(id);
                    stopping = true;
                    waitForInflight(done, now + TimeUnit.SECONDS.toNanos(15));
                    return;
                }
                long due = (long) ((now - t0) / 1e9 * rate);
                while (issued[0] < due) {
                    issued[0]++;
                    if (inflight >= maxInflight + streams) {
                        skipped++;
                        continue;
                    }
                    plainRequest(windowLatency);
                }
                if (now - window[0] >= reportMs * 1_000_000L) {
                    System.out.printf("WINDOW t=%.0fs requests=%d errors=%d p50=%.3fms p99=%.3fms streams=%d skipped=%d%n",
                            (now - t0) / 1e9, requestsOk - window[1], requestErrors - window[2],
                            windowLatency.percentileMs(50), windowLatency.percentileMs(99), completed - window[3], skipped);
                    System.out.flush();
                    windowLatency.clear();
                    window[0] = now;
                    window[1] = requestsOk;
                    window[2] = requestErrors;
                    window[3] = completed;
                }
            });
        });
        done.await(durationMs + 30_000, TimeUnit.MILLISECONDS);
        double seconds = durationMs / 1000.0;
        return new JsonObject()
                .put("rate", rate)
                .put("seconds", seconds)
                .put("requestsPerSecond", requestsOk / seconds)
                .put("requests", requestsOk)
                .put("requestErrors", requestErrors)
                .put("skipped", skipped)
                .put("statuses", statuses())
                .put("p50Ms", requestLatency.percentileMs(50))
                .put("p99Ms", requestLatency.percentileMs(99))
                .put("streamsCompleted", completed)
                .put("streamsIncomplete", incomplete)
                .put("lostChunks", lostChunks)
                .put("chunkDelayP50Ms", chunkDelay.percentileMs(50))
                .put("chunkDelayP99Ms", chunkDelay.percentileMs(99));
    }

    private void plainRequest(Samples windowLatency) {
        long start = System.nanoTime();
        inflight++;
        client.request(request(args.get("messages")))
                .compose(req -> req.send(plainA))
                .compose(resp -> {
                    count(resp.statusCode());
                    return resp.body().map(b -> resp.statusCode());
                })
                .onComplete(ar -> {
                    inflight--;
                    if (ar.succeeded() && ar.result() == 200) {
                        long took = System.nanoTime() - start;
                        requestsOk++;
                        requestLatency.add(took);
                        windowLatency.add(took);
                    } else {
                        requestErrors++;
                    }
                });
    }

    // ---------- shared ----------

    private RequestOptions request(String path) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost()).setPort(base.getPort())
                .setURI(path).setIdleTimeout(30_000)
                .putHeader("content-type", "application/json")
                .putHeader("anthropic-version", "2023-06-01");
        String auth = args.get("auth");
        if (auth != null) {
            o.putHeader("authorization", auth);
        }
        String key = args.get("apiKey");
        if (key != null) {
            o.putHeader("x-api-key", key);
        }
        return o;
    }

    private void count(int status) {
        statusCounts.merge(status, 1L, Long::sum);
    }

    private JsonObject statuses() {
        JsonObject o = new JsonObject();
        statusCounts.forEach((k, v) -> o.put(Integer.toString(k), v));
        return o;
    }

    /** Nanosecond samples; percentiles by sorting at the end (a few million longs at most). */
    static final class Samples {
        private long[] values = new long[1 << 16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        void clear() {
            size = 0;
        }

        double percentileMs(double p) {
            if (size == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int idx = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100.0 * size) - 1));
            return sorted[idx] / 1e6;
        }
    }
}
