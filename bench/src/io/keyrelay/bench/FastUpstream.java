package io.keyrelay.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast stand-in for OhMyGPT, for benchmarks only. Serves {@code /primary} and {@code /failover} paths of both
 * API formats, JSON and SSE. SSE answers carry {@code chunks} content events {@code interval} ms apart; each content
 * event's text is {@code #<seq>@<System.nanoTime() at send>}, so a load client on the same host can measure how late
 * every chunk arrives (nanoTime is CLOCK_MONOTONIC on Linux, shared by all processes).
 *
 * <p>Streams are driven by one 1 ms tick per event loop over a timing wheel, not one timer per chunk.
 * {@code GET /_bench/faults?on=true|false} switches the fault mode: pool keys {@code sk-bench-000..014} then
 * answer 429 (Retry-After: 1) and {@code sk-bench-015..029} 402 on the primary endpoints; with {@code &only=429}
 * all thirty answer 429, which exhausts no key (the benchmark's warm-up uses it). {@code GET /_bench/stats}
 * returns counters.
 *
 * <p>Usage: {@code FastUpstream <port> [eventLoops] [chunks] [intervalMs]}
 */
public final class FastUpstream extends AbstractVerticle {
    static volatile boolean faults;
    static volatile boolean rateLimitsOnly;
    static final AtomicLong served = new AtomicLong();
    static final AtomicLong refused = new AtomicLong();
    static final AtomicLong streams = new AtomicLong();

    private static final Buffer ANTHROPIC_JSON = Buffer.buffer("{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-bench\",\"content\":[{\"type\":\"text\",\"text\":\"Hello from the bench upstream.\"}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":8,"
            + "\"cache_read_input_tokens\":0,\"cache_creation_input_tokens\":0}}");
    private static final Buffer OPENAI_JSON = Buffer.buffer("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\","
            + "\"created\":1700000000,\"model\":\"gpt-bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello from the bench upstream.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}}");
    private static final Buffer RATE_LIMITED = Buffer.buffer("{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}");
    private static final Buffer NO_BUDGET = Buffer.buffer("{\"error\":{\"type\":\"billing_error\",\"message\":\"ExceededBudget\"}}");

    private static final String A_HEAD = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-bench\",\"content\":[],\"stop_reason\":null,"
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    private static final String A_DELTA_1 = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"#";
    private static final String A_DELTA_2 = "\"}}\n\n";
    private static final String A_TAIL = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":50}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    private static final String O_DELTA_1 = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1700000000,\"model\":\"gpt-bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"#";
    private static final String O_DELTA_2 = "\"},\"finish_reason\":null}]}\n\n";
    private static final String O_TAIL = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1700000000,\"model\":\"gpt-bench\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-bench\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":50,\"total_tokens\":62}}\n\n"
            + "data: [DONE]\n\n";

    private final int port;
    private final int chunks;
    private final int intervalMs;
    /** Timing wheel: slot i holds the streams whose next chunk is due at a millisecond ≡ i (mod interval). */
    private ArrayDeque<Stream>[] wheel;
    private long lastTickMs;

    private static final class Stream {
        final HttpServerResponse resp;
        final boolean anthropic;
        int sent;

        Stream(HttpServerResponse resp, boolean anthropic) {
            this.resp = resp;
            this.anthropic = anthropic;
        }
    }

    FastUpstream(int port, int chunks, int intervalMs) {
        this.port = port;
        this.chunks = chunks;
        this.intervalMs = Math.max(1, intervalMs);
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int interval = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new FastUpstream(port, chunks, interval), new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.println("fast upstream listening on 127.0.0.1:" + port))
                .onFailure(err -> {
                    err.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    @SuppressWarnings("unchecked")
    public void start() {
        wheel = new ArrayDeque[intervalMs];
        for (int i = 0; i < intervalMs; i++) {
            wheel[i] = new ArrayDeque<>();
        }
        lastTickMs = nowMs();
        vertx.setPeriodic(1, id -> tick());
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true)
                        .setAcceptBacklog(8192).setIdleTimeout(0))
                .requestHandler(this::handle)
                .listen();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (path.startsWith("/_bench/")) {
            control(req);
            return;
        }
        req.body().onSuccess(body -> {
            boolean anthropic = path.endsWith("/messages");
            HttpServerResponse resp = req.response();
            if (faults && path.startsWith("/primary/") && refuse(req, resp)) {
                return;
            }
            served.incrementAndGet();
            if (!isStream(body)) {
                resp.putHeader("content-type", "application/json").end(anthropic ? ANTHROPIC_JSON : OPENAI_JSON);
                return;
            }
            streams.incrementAndGet();
            resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
            Stream s = new Stream(resp, anthropic);
            sendNext(s);
            if (s.sent < chunks) {
                wheel[(int) (nowMs() % intervalMs)].add(s);
            }
        });
    }

    /** In fault mode, refuses requests made with the first 30 pool keys: true when it answered. */
    private static boolean refuse(HttpServerRequest req, HttpServerResponse resp) {
        String key = req.getHeader("x-api-key");
        if (key == null || !key.startsWith("sk-bench-0") || key.length() < 12) {
            return false;
        }
        int n;
        try {
            n = Integer.parseInt(key.substring(9, 12));
        } catch (NumberFormatException e) {
            return false;
        }
        if (n >= 30) {
            return false;
        }
        refused.incrementAndGet();
        resp.putHeader("content-type", "application/json");
        if (n < 15 || rateLimitsOnly) {
            resp.setStatusCode(429).putHeader("retry-after", "1").end(RATE_LIMITED);
        } else {
            resp.setStatusCode(402).end(NO_BUDGET);
        }
        return true;
    }

    private static boolean isStream(Buffer body) {
        // "stream":true or "stream": true, without decoding the document
        String s = body.toString(StandardCharsets.ISO_8859_1);
        int at = s.indexOf("\"stream\"");
        if (at < 0) {
            return false;
        }
        int i = at + 8;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == ':')) {
            i++;
        }
        return s.startsWith("true", i);
    }

    private void tick() {
        long now = nowMs();
        if (now - lastTickMs > intervalMs) {
            lastTickMs = now - intervalMs; // fell far behind: visit each slot once
        }
        for (long ms = lastTickMs + 1; ms <= now; ms++) {
            ArrayDeque<Stream> slot = wheel[(int) (ms % intervalMs)];
            for (int n = slot.size(); n > 0; n--) {
                Stream s = slot.poll();
                if (s.resp.closed()) {
                    continue;
                }
                sendNext(s);
                if (s.sent < chunks) {
                    slot.add(s);
                }
            }
        }
        lastTickMs = now;
    }

    private void sendNext(Stream s) {
        StringBuilder sb = new StringBuilder(400);
        if (s.sent == 0) {
            sb.append(s.anthropic ? A_HEAD : "");
        }
        sb.append(s.anthropic ? A_DELTA_1 : O_DELTA_1).append(s.sent).append('@').append(System.nanoTime())
                .append(s.anthropic ? A_DELTA_2 : O_DELTA_2);
        s.sent++;
        boolean last = s.sent >= chunks;
        if (last) {
            sb.append(s.anthropic ? A_TAIL : O_TAIL);
        }
        Buffer chunk = Buffer.buffer(sb.toString());
        if (last) {
            s.resp.end(chunk);
        } else {
            s.resp.write(chunk);
        }
    }

    private static void control(HttpServerRequest req) {
        if (req.path().equals("/_bench/faults")) {
            faults = "true".equals(req.getParam("on"));
            rateLimitsOnly = "429".equals(req.getParam("only"));
        }
        req.response().putHeader("content-type", "application/json").end("{\"faults\":" + faults + ",\"served\":"
                + served.get() + ",\"refused\":" + refused.get() + ",\"streams\":" + streams.get() + "}");
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }
}
