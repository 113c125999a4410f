package io.keyrelay.faults;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.OpenSockets;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream that resets, stalls, is slow, or loses its clients (SPEC §8 faults): retried before the first byte,
 * ended with an error event after it, never a hang, never a leaked connection.
 */
class BrokenUpstreamTest {
    private static final String STREAM = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":true}";
    private static final String WHOLE = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":false}";

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        // short enough for the stall test, long enough that 200 busy streams 50 ms apart never look idle
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_STREAM_IDLE_TIMEOUT", "1500ms"));
        relay.addKey("k1", false);
        relay.addKey("k2", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void aResetBeforeTheFirstByteIsRetriedEveryTime() {
        AtomicInteger upstreamRequests = new AtomicInteger();
        relay.upstream.always(r -> upstreamRequests.incrementAndGet() % 2 == 1, FakeUpstream.resetBeforeHeaders());

        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = relay.post("/v1/messages", i % 2 == 0 ? STREAM : WHOLE);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("Hello from primary"));
        }
        assertEquals(200, relay.upstream.received().size(), "each request: one reset attempt, one answered retry");
    }

    @Test
    void aResetMidStreamEndsWithOneErrorEventNoDuplicateContentAndNoLeakedSocket() {
        relay.upstream.always(FakeUpstream.any(), FakeUpstream.streamThenReset(3));
        relay.post("/v1/messages", STREAM); // warm up the client's connection
        int baseline = OpenSockets.count();

        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = relay.post("/v1/messages", STREAM);
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertEquals(1, occurrences(body, "event: message_start"), body);
            assertEquals(1, occurrences(body, "Hello from primary"), "no content twice: " + body);
            assertEquals(1, occurrences(body, "event: error"), body);
            assertTrue(body.trim().endsWith("}"), body);
        }
        assertEquals(101, relay.upstream.received().size(), "nothing is retried after the first byte");
        waitUntil(() -> OpenSockets.count() <= baseline + 2, "sockets back to the baseline of " + baseline);
    }

    @Test
    void aStallMidStreamIsClosedOnBothSidesByTheIdleTimeout() throws Exception {
        relay.upstream.always(FakeUpstream.any(), FakeUpstream.streamThenStall(2));
        ExecutorService clients = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(clients.submit(() -> relay.post("/v1/messages", STREAM)));
        }
        for (Future<HttpResponse<String>> answer : answers) {
            String body = answer.get().body();
            assertTrue(body.contains("event: message_start") && body.contains("event: error"), body);
        }
        clients.shutdown();
        waitUntil(() -> relay.upstream.open() == 0, "every stalled upstream request is closed");
    }

    @Test
    void twoHundredClientsThatDisconnectCancelTheirUpstreamRequests() throws Exception {
        relay.upstream.always(FakeUpstream.any(), FakeUpstream.slowStream(400, 50));
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket("127.0.0.1", relay.relay.port());
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-api-key: "
                        + relay.clientKey + "\r\ncontent-length: " + STREAM.length() + "\r\n\r\n" + STREAM)
                        .getBytes(StandardCharsets.UTF_8));
                sockets.add(s);
            }
            for (Socket s : sockets) {
                InputStream in = s.getInputStream();
                assertTrue(in.read(new byte[64]) > 0, "the stream started");
            }
            waitUntil(() -> relay.upstream.received().size() == 200, "200 streams reached the upstream");
            assertEquals(200, relay.upstream.open(), "and are still open");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        waitUntil(() -> relay.upstream.cancelled() == 200 && relay.upstream.open() == 0,
                "all 200 upstream requests cancelled (" + relay.upstream.cancelled() + " so far)");
        waitUntil(() -> relay.services().operations().metrics().scrape().contains(
                "keyrelay_requests_total{endpoint=\"primary\",route=\"/v1/messages\",status=\"499\"} 200.0"),
                "the metrics count 200 requests whose client left first (499)");
    }

    @Test
    void aSlowUpstreamOnHalfTheStreamsDoesNotHoldBackTheOtherHalf() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        relay.upstream.always(r -> r.body().contains("\"model\":\"slow\""), heldStream(release));
        ExecutorService clients = Executors.newFixedThreadPool(40);
        List<Future<HttpResponse<String>>> slow = new ArrayList<>();
        List<Future<HttpResponse<String>>> fast = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            slow.add(clients.submit(() -> relay.post("/v1/messages", STREAM.replace("claude", "slow"))));
            fast.add(clients.submit(() -> relay.post("/v1/messages", STREAM)));
        }
        try {
            for (Future<HttpResponse<String>> f : fast) {
                HttpResponse<String> r = f.get();
                assertTrue(r.body().contains("event: message_stop"), "a fast stream completes: " + r.body());
            }
            assertTrue(slow.stream().noneMatch(Future::isDone), "while every slow stream is still open");
        } finally {
            release.complete(null);
        }
        for (Future<HttpResponse<String>> f : slow) {
            assertTrue(f.get().body().contains("event: message_stop"), "the slow streams complete once released");
        }
        clients.shutdown();
    }

    /** Sends the first event of a stream, then the rest only when {@code release} completes. */
    private static FakeUpstream.Behavior heldStream(CompletableFuture<Void> release) {
        return (received, req, upstream) -> {
            List<Buffer> events = FakeUpstream.streamEvents(received, 3);
            Context context = Vertx.currentContext();
            req.response().setChunked(true).putHeader("content-type", "text/event-stream").write(events.get(0));
            release.thenRun(() -> context.runOnContext(v -> {
                events.subList(1, events.size()).forEach(req.response()::write);
                req.response().end();
            }));
        };
    }

    private static int occurrences(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
