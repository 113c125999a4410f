package io.keyrelay.support;

import io.keyrelay.upstream.Dialect;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A scripted stand-in for OhMyGPT on a real socket. It serves both dialects on a primary and a failover path, so
 * tests can tell which endpoint a request reached; answers are scripted per request (by key, side, dialect) and
 * default to a well-formed success in the request's own format, streaming or not, with usage.
 */
public final class FakeUpstream implements AutoCloseable {

    public enum Side { PRIMARY, FAILOVER }

    /** One request as the upstream saw it ({@code query}: the raw query string, or null). */
    public record Received(Side side, Dialect dialect, String path, String apiKey, MultiMap headers, String body,
                           boolean stream, String method, String query) {
    }

    /** How to answer one request. */
    @FunctionalInterface
    public interface Behavior {
        void respond(Received received, HttpServerRequest req, FakeUpstream upstream);
    }

    private static final class Rule {
        final Predicate<Received> match;
        final AtomicInteger remaining;
        final Behavior behavior;

        Rule(Predicate<Received> match, int times, Behavior behavior) {
            this.match = match;
            this.remaining = new AtomicInteger(times);
            this.behavior = behavior;
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    private final String scheme;

    private FakeUpstream(Vertx vertx, HttpServer server, String scheme) {
        this.vertx = vertx;
        this.server = server;
        this.scheme = scheme;
    }

    public static FakeUpstream start() {
        return start(new HttpServerOptions(), "http");
    }

    /**
     * Serves HTTPS with the test certificate {@code name} from {@code src/test/resources/tls} ({@code localhost}:
     * valid for localhost and 127.0.0.1; {@code wrongname}: for other.example only), both signed by
     * {@code tls/ca.pem}.
     */
    public static FakeUpstream startTls(String name) {
        return start(new HttpServerOptions().setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                .setCertPath(testResource("tls/" + name + ".pem"))
                .setKeyPath(testResource("tls/" + name + "-key.pem"))), "https");
    }

    /** The file of a test resource, for settings that take a path. */
    public static String testResource(String name) {
        try {
            return java.nio.file.Path.of(FakeUpstream.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FakeUpstream start(HttpServerOptions options, String scheme) {
        Vertx vertx = Vertx.vertx();
        FakeUpstream[] self = new FakeUpstream[1];
        HttpServer server = vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(req -> self[0].handle(req));
        self[0] = new FakeUpstream(vertx, server, scheme);
        try {
            server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return self[0];
    }

    public int port() {
        return server.actualPort();
    }

    public String url(Side side, Dialect dialect) {
        String base = scheme + "://127.0.0.1:" + port() + "/" + side.name().toLowerCase();
        return base + (dialect == Dialect.ANTHROPIC ? "/v1/messages" : "/v1/chat/completions");
    }

    /** The base URL of one side: every route's path follows it. */
    public String baseUrl(Side side) {
        return scheme + "://127.0.0.1:" + port() + "/" + side.name().toLowerCase();
    }

    /** The endpoint variables pointing KeyRelay here. */
    public Map<String, String> env() {
        return Map.of(
                "KEYRELAY_PRIMARY_BASE_URL", baseUrl(Side.PRIMARY),
                "KEYRELAY_FAILOVER_BASE_URL", baseUrl(Side.FAILOVER),
                "KEYRELAY_PRIMARY_MESSAGES_URL", url(Side.PRIMARY, Dialect.ANTHROPIC),
                "KEYRELAY_PRIMARY_COMPLETIONS_URL", url(Side.PRIMARY, Dialect.OPENAI),
                "KEYRELAY_FAILOVER_MESSAGES_URL", url(Side.FAILOVER, Dialect.ANTHROPIC),
                "KEYRELAY_FAILOVER_COMPLETIONS_URL", url(Side.FAILOVER, Dialect.OPENAI));
    }

    // ---- scripting ----

    /** Answers the next {@code times} matching requests with {@code behavior}. */
    public FakeUpstream on(Predicate<Received> match, int times, Behavior behavior) {
        rules.add(new Rule(match, times, behavior));
        return this;
    }

    /** Answers every matching request with {@code behavior}. */
    public FakeUpstream always(Predicate<Received> match, Behavior behavior) {
        return on(match, Integer.MAX_VALUE, behavior);
    }

    public void clear() {
        rules.clear();
        received.clear();
        cancelled.set(0);
    }

    public static Predicate<Received> any() {
        return r -> true;
    }

    /** Requests made with this upstream API key. */
    public static Predicate<Received> key(String apiKey) {
        return r -> apiKey.equals(r.apiKey());
    }

    public static Predicate<Received> side(Side side) {
        return r -> r.side() == side;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Requests whose client went away before the answer ended. */
    public int cancelled() {
        return cancelled.get();
    }

    /** Requests still being answered. */
    public int open() {
        return open.get();
    }

    // ---- behaviors ----

    public static Behavior ok() {
        return (r, req, up) -> up.success(r, req, 3, 0);
    }

    /** A streamed success of {@code chunks} content chunks, {@code delayMs} apart. */
    public static Behavior slowStream(int chunks, long delayMs) {
        return (r, req, up) -> up.success(r, req, chunks, delayMs);
    }

    public static Behavior status(int status, String body) {
        return status(status, body, Map.of());
    }

    public static Behavior status(int status, String body, Map<String, String> headers) {
        return (r, req, up) -> {
            req.response().setStatusCode(status).putHeader("content-type", "application/json");
            headers.forEach(req.response()::putHeader);
            req.response().end(body);
        };
    }

    /** Closes the connection without answering. */
    public static Behavior resetBeforeHeaders() {
        return (r, req, up) -> req.connection().close();
    }

    /** Sends 200 and {@code chunks} chunks of a stream, then drops the connection. */
    public static Behavior streamThenReset(int chunks) {
        return (r, req, up) -> up.partialStream(r, req, chunks, () -> req.connection().close());
    }

    /** Sends 200 and {@code chunks} chunks of a stream, then sends nothing more (the connection stays open). */
    public static Behavior streamThenStall(int chunks) {
        return (r, req, up) -> up.partialStream(r, req, chunks, () -> { });
    }

    /** Sends an error status and the start of its body, then nothing more (the connection stays open). */
    public static Behavior statusThenStall(int status, String partialBody) {
        return (r, req, up) -> req.response().setStatusCode(status).setChunked(true)
                .putHeader("content-type", "application/json").write(partialBody);
    }

    /** A streamed success whose {@code chunks} content events carry {@code bytesPerChunk} bytes each, sent at once. */
    public static Behavior bigStream(int chunks, int bytesPerChunk) {
        return (r, req, up) -> {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            String filler = "x".repeat(bytesPerChunk);
            for (Buffer event : streamEvents(r, chunks)) {
                String text = event.toString();
                req.response().write(text.contains("text_delta") ? text.replace("\"text\":\"", "\"text\":\"" + filler) : text);
            }
            req.response().end();
        };
    }

    /** Never answers. */
    public static Behavior hang() {
        return (r, req, up) -> { };
    }

    // ---- serving ----

    private void handle(HttpServerRequest req) {
        String path = req.path();
        Side side = path.startsWith("/failover/") ? Side.FAILOVER : Side.PRIMARY;
        Dialect dialect = path.contains("/v1/messages") || path.contains("/v1/models") && req.getHeader("anthropic-version") != null
                ? Dialect.ANTHROPIC : Dialect.OPENAI;
        open.incrementAndGet();
        // the end handler runs when the answer is ended or its connection is lost, exactly once
        req.response().endHandler(v -> open.decrementAndGet());
        req.connection().closeHandler(v -> {
            if (!req.response().ended()) {
                cancelled.incrementAndGet();
            }
        });
        req.body().onSuccess(body -> {
            String text = body.toString();
            boolean stream = text.contains("\"stream\":true") || text.contains("\"stream\": true");
            String auth = req.getHeader("authorization");
            String apiKey = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : req.getHeader("x-api-key");
            Received r = new Received(side, dialect, path, apiKey, MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                    text, stream, req.method().name(), req.query());
            req.response().putHeader("x-request-id", "req_fake_" + received.size());
            if (dialect == Dialect.ANTHROPIC) {
                req.response().putHeader("request-id", "req_fake_" + received.size());
            }
            received.add(r);
            for (Rule rule : rules) {
                if (rule.match.test(r) && rule.remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    rule.behavior.respond(r, req, this);
                    return;
                }
            }
            ok().respond(r, req, this);
        });
    }

    /** The words of the answer; they name the side so tests see which endpoint answered. */
    public static String answerText(Side side) {
        return "Hello from " + side.name().toLowerCase();
    }

    private void success(Received r, HttpServerRequest req, int chunks, long delayMs) {
        JsonObject other = OtherRoutes.answer(r);
        if (other != null && !(r.path().endsWith("/v1/responses") && r.stream())) {
            req.response().putHeader("content-type", "application/json").end(other.encode());
            return;
        }
        if (r.path().endsWith("/v1/responses")) {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            sendEvents(req, OtherRoutes.responseEvents(answerText(r.side()), chunks), 0, delayMs, () -> req.response().end());
            return;
        }
        if (!r.stream()) {
            req.response().putHeader("content-type", "application/json").end(fullAnswer(r).encode());
            return;
        }
        List<Buffer> events = streamEvents(r, chunks);
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        sendEvents(req, events, 0, delayMs, () -> req.response().end());
    }

    private void partialStream(Received r, HttpServerRequest req, int chunks, Runnable then) {
        List<Buffer> events = streamEvents(r, chunks + 5).subList(0, Math.min(chunks, chunks + 5));
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        sendEvents(req, events, 0, 0, then);
    }

    private void sendEvents(HttpServerRequest req, List<Buffer> events, int i, long delayMs, Runnable then) {
        if (req.response().closed()) {
            return;
        }
        if (i >= events.size()) {
            then.run();
            return;
        }
        req.response().write(events.get(i));
        if (delayMs > 0) {
            vertx.setTimer(delayMs, t -> sendEvents(req, events, i + 1, delayMs, then));
        } else {
            sendEvents(req, events, i + 1, 0, then);
        }
    }

    private static JsonObject fullAnswer(Received r) {
        String text = answerText(r.side());
        if (r.dialect() == Dialect.ANTHROPIC) {
            return new JsonObject().put("id", "msg_fake").put("type", "message").put("role", "assistant")
                    .put("model", "claude-fake")
                    .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
                    .put("stop_reason", "end_turn").putNull("stop_sequence")
                    .put("usage", new JsonObject().put("input_tokens", 10).put("output_tokens", 5)
                            .put("cache_read_input_tokens", 2).put("cache_creation_input_tokens", 3));
        }
        return new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 1_700_000_000L)
                .put("model", "gpt-fake")
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", text))
                        .put("finish_reason", "stop")))
                .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15));
    }

    /** A stream of {@code chunks} content events, framed as each API frames them, with usage. */
    public static List<Buffer> streamEvents(Received r, int chunks) {
        List<Buffer> out = new ArrayList<>();
        String text = answerText(r.side());
        if (r.dialect() == Dialect.ANTHROPIC) {
            out.add(event("message_start", new JsonObject().put("type", "message_start").put("message", new JsonObject()
                    .put("id", "msg_fake").put("type", "message").put("role", "assistant").put("model", "claude-fake")
                    .put("content", new JsonArray()).putNull("stop_reason").putNull("stop_sequence")
                    .put("usage", new JsonObject().put("input_tokens", 10).put("output_tokens", 1)))));
            out.add(event("content_block_start", new JsonObject().put("type", "content_block_start").put("index", 0)
                    .put("content_block", new JsonObject().put("type", "text").put("text", ""))));
            for (int i = 0; i < chunks; i++) {
                String piece = i == 0 ? text : " " + i;
                out.add(event("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", 0)
                        .put("delta", new JsonObject().put("type", "text_delta").put("text", piece))));
            }
            out.add(event("content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", 0)));
            out.add(event("message_delta", new JsonObject().put("type", "message_delta")
                    .put("delta", new JsonObject().put("stop_reason", "end_turn").putNull("stop_sequence"))
                    .put("usage", new JsonObject().put("output_tokens", 5))));
            out.add(event("message_stop", new JsonObject().put("type", "message_stop")));
            return out;
        }
        // as OpenAI does: usage (a usage-only last chunk, and "usage":null in the others) only when asked for
        boolean usage = r.body().contains("\"include_usage\":true");
        for (int i = 0; i < chunks; i++) {
            String piece = i == 0 ? text : " " + i;
            out.add(data(withUsageNull(chunk(new JsonObject().put("content", piece), null), usage)));
        }
        out.add(data(withUsageNull(chunk(new JsonObject(), "stop"), usage)));
        if (usage) {
            out.add(data(new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk")
                    .put("created", 1_700_000_000L).put("model", "gpt-fake").put("choices", new JsonArray())
                    .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15))));
        }
        out.add(Buffer.buffer("data: [DONE]\n\n"));
        return out;
    }

    private static JsonObject withUsageNull(JsonObject chunk, boolean usage) {
        return usage ? chunk.putNull("usage") : chunk;
    }

    private static JsonObject chunk(JsonObject delta, String finish) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L).put("model", "gpt-fake").put("choices", new JsonArray().add(choice));
    }

    private static Buffer event(String name, JsonObject json) {
        return Buffer.buffer("event: " + name + "\ndata: " + json.encode() + "\n\n");
    }

    private static Buffer data(JsonObject json) {
        return Buffer.buffer("data: " + json.encode() + "\n\n");
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }
}
