package io.keyrelay.proxy;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyStatus;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client auth, validation, forwarding, failure endings and usage through the real proxy. */
class ProxyEdgeTest {
    private static final ProxyRoute MESSAGES = new ProxyRoute("/v1/messages", io.keyrelay.upstream.Dialect.ANTHROPIC, false);
    private static final ProxyRoute MESSAGES_STREAM = new ProxyRoute("/v1/messages", io.keyrelay.upstream.Dialect.ANTHROPIC, true);
    private static final ProxyRoute COMPLETIONS = new ProxyRoute("/v1/chat/completions", io.keyrelay.upstream.Dialect.OPENAI, false);
    private static final ProxyRoute COMPLETIONS_STREAM = new ProxyRoute("/v1/chat/completions", io.keyrelay.upstream.Dialect.OPENAI, true);

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of(
                "KEYRELAY_STREAM_IDLE_TIMEOUT", "400ms",
                "KEYRELAY_FIRST_BYTE_TIMEOUT", "300ms",
                "KEYRELAY_MAX_BODY_BYTES", "64k",
                "KEYRELAY_USAGE_FLUSH_INTERVAL", "100ms"));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void missingUnknownOrDisabledClientKeysGet401InTheClientsFormat() {
        relay.addKey("k1", false);
        HttpResponse<String> missing = relay.post("/v1/messages", MESSAGES.body(), Map.of());
        assertEquals(401, missing.statusCode());
        assertEquals("authentication_error", new JsonObject(missing.body()).getJsonObject("error").getString("type"));
        assertEquals("error", new JsonObject(missing.body()).getString("type"));

        HttpResponse<String> unknown = relay.post("/v1/chat/completions", COMPLETIONS.body(), Map.of("authorization", "Bearer kr-nope"));
        assertEquals(401, unknown.statusCode());
        assertEquals("invalid_api_key", new JsonObject(unknown.body()).getJsonObject("error").getString("code"));

        var issued = relay.services().clientKeys().create("to disable", 0);
        relay.services().clientKeys().update(issued.key().id(), k -> k.withEnabled(false));
        assertEquals(401, relay.post("/v1/messages", MESSAGES.body(), Map.of("x-api-key", issued.secret())).statusCode());
        assertTrue(relay.upstream.received().isEmpty(), "nothing reached the upstream");
    }

    @Test
    void clientKeyIsAcceptedAsXApiKeyToo() {
        relay.addKey("k1", false);
        assertEquals(200, relay.post("/v1/messages", MESSAGES.body(), Map.of("x-api-key", relay.clientKey)).statusCode());
    }

    @Test
    void clientOverItsPerMinuteLimitGets429WithRetryAfter() {
        relay.addKey("k1", false);
        String limited = relay.services().clientKeys().create("limited", 2).secret();
        Map<String, String> auth = Map.of("authorization", "Bearer " + limited);
        assertEquals(200, relay.post("/v1/messages", MESSAGES.body(), auth).statusCode());
        assertEquals(200, relay.post("/v1/messages", MESSAGES.body(), auth).statusCode());

        HttpResponse<String> third = relay.post("/v1/messages", MESSAGES.body(), auth);

        assertEquals(429, third.statusCode());
        long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(2, relay.upstream.received().size());
    }

    @Test
    void malformedOrNonObjectBodiesGet400AndNeverReachTheUpstream() {
        relay.addKey("k1", false);
        for (String bad : new String[] {"{\"model\":", "[1,2]", "\"text\"", "", "null"}) {
            HttpResponse<String> r = relay.post("/v1/chat/completions", bad);
            assertEquals(400, r.statusCode(), "body " + bad);
            assertEquals("invalid_request_error", new JsonObject(r.body()).getJsonObject("error").getString("type"));
        }
        assertTrue(relay.upstream.received().isEmpty());
    }

    @Test
    void bodiesOverTheLimitGet413() {
        relay.addKey("k1", false);
        String big = "{\"model\":\"x\",\"pad\":\"" + "a".repeat(70 * 1024) + "\"}";
        HttpResponse<String> r = relay.post("/v1/messages", big);
        assertEquals(413, r.statusCode());
        assertTrue(relay.upstream.received().isEmpty());
    }

    @Test
    void forwardsTheBodyByteForByteWithTheKeysCredentialsAndOnlyTheHeadersThatMatter() {
        relay.addKey("k1", false);
        String body = "{ \"model\" : \"claude\",\n \"max_tokens\":5, \"messages\":[{\"role\":\"user\",\"content\":\"héllo\"}] }";
        relay.post("/v1/messages", body, Map.of(
                "x-api-key", relay.clientKey,
                "anthropic-version", "2023-06-01",
                "anthropic-beta", "prompt-caching-2024-07-31",
                "cookie", "session=secret",
                "x-forwarded-for", "10.0.0.1"));

        FakeUpstream.Received r = relay.upstream.received().get(0);
        assertEquals(body, r.body());
        assertEquals("Bearer " + apiKeyOf("k1"), r.headers().get("authorization"));
        assertEquals(apiKeyOf("k1"), r.headers().get("x-api-key"));
        assertEquals("2023-06-01", r.headers().get("anthropic-version"));
        assertEquals("prompt-caching-2024-07-31", r.headers().get("anthropic-beta"));
        assertNull(r.headers().get("cookie"));
        assertNull(r.headers().get("x-forwarded-for"));
        assertFalse(r.headers().entries().toString().contains(relay.clientKey), "client credentials never go upstream");
    }

    @Test
    void connectionResetBeforeTheFirstByteIsRetriedOnAnotherKey() {
        relay.addKey("k1", false);
        relay.addKey("k2", false);
        relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.resetBeforeHeaders());

        for (ProxyRoute route : new ProxyRoute[] {MESSAGES_STREAM, COMPLETIONS}) {
            relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.resetBeforeHeaders());
            HttpResponse<String> r = relay.post(route.path(), route.body());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("Hello from primary"));
        }
        assertEquals(KeyStatus.HEALTHY, relay.services().pool().get("k1").orElseThrow().status(), "a reset says nothing about the key");
    }

    @Test
    void fiveHundredsAreRetriedUpToTheAttemptCapThenReported() {
        for (int i = 1; i <= 5; i++) {
            relay.addKey("k" + i, false);
        }
        relay.upstream.always(FakeUpstream.any(), status(500, "{\"error\":{\"message\":\"boom at api.ohmygpt.com\"}}"));

        HttpResponse<String> r = relay.post("/v1/chat/completions", COMPLETIONS.body());

        assertEquals(502, r.statusCode());
        assertEquals(4, relay.upstream.received().size(), "KEYRELAY_MAX_ATTEMPTS defaults to 4");
        assertFalse(r.body().toLowerCase().contains("ohmygpt"));
    }

    @Test
    void upstreamValidationErrorsReachTheClientWithoutRevealingTheUpstream() {
        relay.addKey("k1", false);
        relay.addKey("k2", false);
        relay.upstream.always(FakeUpstream.any(), status(400,
                "{\"error\":{\"message\":\"prompt is too long: 210000 tokens > 200000 maximum. See https://ohmygpt.com/docs or api.ohmygpt.com, key sk-abcdefghijklmnop\"}}"));

        HttpResponse<String> r = relay.post("/v1/messages", MESSAGES.body());

        assertEquals(400, r.statusCode());
        String message = new JsonObject(r.body()).getJsonObject("error").getString("message");
        assertTrue(message.startsWith("prompt is too long: 210000 tokens > 200000 maximum."), message);
        assertFalse(message.toLowerCase().contains("ohmygpt"), message);
        assertFalse(message.contains("http"), message);
        assertFalse(message.contains("sk-abcdefghijklmnop"), message);
        assertEquals(1, relay.upstream.received().size(), "a request error is not retried");
    }

    @Test
    void whenEveryKeyIsCoolingDownClientsGet503WithTheSoonestRetryAfter() {
        relay.addKey("k1", false);
        relay.upstream.always(FakeUpstream.any(), status(429, "{\"error\":\"slow down\"}", Map.of("retry-after", "45")));

        HttpResponse<String> first = relay.post("/v1/messages", MESSAGES.body());
        HttpResponse<String> second = relay.post("/v1/chat/completions", COMPLETIONS.body());

        for (HttpResponse<String> r : new HttpResponse[] {first, second}) {
            assertEquals(503, r.statusCode(), r.body());
            long retryAfter = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
            assertTrue(retryAfter > 40 && retryAfter <= 45, "Retry-After " + retryAfter);
        }
        assertEquals("overloaded_error", new JsonObject(first.body()).getJsonObject("error").getString("type"));
        assertEquals(1, relay.upstream.received().size());
    }

    @Test
    void midStreamResetEndsWithAnErrorEventInTheClientsFormat() {
        relay.addKey("k1", false);
        relay.upstream.on(FakeUpstream.any(), 2, FakeUpstream.streamThenReset(3));

        HttpResponse<String> anthropic = relay.post(MESSAGES_STREAM.path(), MESSAGES_STREAM.body());
        HttpResponse<String> openai = relay.post(COMPLETIONS_STREAM.path(), COMPLETIONS_STREAM.body());

        assertEquals(200, anthropic.statusCode());
        assertTrue(anthropic.body().contains("event: message_start"));
        assertTrue(anthropic.body().trim().endsWith("}"));
        assertTrue(anthropic.body().contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\""), anthropic.body());
        assertTrue(openai.body().contains("data: {\"error\":{\"message\":"), openai.body());
        assertEquals(2, relay.upstream.received().size(), "nothing is retried after the first byte");
    }

    @Test
    void stalledStreamIsClosedByTheIdleTimeoutWithAnErrorEvent() {
        relay.addKey("k1", false);
        relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.streamThenStall(2));

        Instant before = Instant.now();
        HttpResponse<String> r = relay.post(MESSAGES_STREAM.path(), MESSAGES_STREAM.body());

        assertTrue(Duration.between(before, Instant.now()).toSeconds() < 10, "never hangs");
        assertTrue(r.body().contains("event: error"), r.body());
        waitUntil(() -> relay.upstream.open() == 0, "the stalled upstream request is closed too");
    }

    @Test
    void clientThatDisconnectsCancelsItsUpstreamRequest() throws Exception {
        relay.addKey("k1", false);
        relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.slowStream(200, 50));
        String body = MESSAGES_STREAM.body();
        try (Socket socket = new Socket("127.0.0.1", relay.relay.port())) {
            sendMessages(socket, body);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[256];
            assertTrue(in.read(buf) > 0, "the stream started");
        }
        waitUntil(() -> relay.upstream.cancelled() == 1, "upstream request cancelled");
        // what the upstream served before the client left is still counted (message_start reported 10 + 1 tokens)
        waitUntil(() -> relay.services().keys().find("k1").orElseThrow().requestsCount() == 1, "the request counted");
        assertEquals(11, relay.services().keys().find("k1").orElseThrow().tokensUsed());
    }

    @Test
    void aRefusalStillChangesItsKeyWhenTheClientLeavesWhileItArrives() throws Exception {
        relay.addKey("k1", false);
        relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.statusThenStall(429, "{\"error\":{\"message\":\"Rate limit"));
        String body = MESSAGES.body();
        try (Socket socket = new Socket("127.0.0.1", relay.relay.port())) {
            sendMessages(socket, body);
            waitUntil(() -> relay.upstream.received().size() == 1, "the request to reach the upstream");
            Thread.sleep(100); // the 429 head and the start of its body reach KeyRelay; the client leaves
        }
        waitUntil(() -> relay.services().pool().get("k1").orElseThrow().status() == KeyStatus.RATE_LIMITED,
                "k1 to cool down after its 429");
    }

    @Test
    void anErrorAnswerWhoseBodyStallsIsAbandonedAndRetried() {
        relay.addKey("k1", false);
        relay.addKey("k2", false);
        relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.statusThenStall(500, "{\"error\":{\"mess"));

        HttpResponse<String> r = relay.post("/v1/messages", MESSAGES.body());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2, relay.upstream.received().size());
        waitUntil(() -> relay.upstream.open() == 0, "the stalled error answer is closed");
    }

    @Test
    void aClientThatReadsSlowlyIsNotCutOffByTheUpstreamIdleTimeout() throws Exception {
        relay.addKey("k1", false);
        relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.bigStream(60, 64 * 1024));
        String body = MESSAGES_STREAM.body();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024); // set before connecting: a small window, so KeyRelay must hold the upstream back
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", relay.relay.port()));
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-api-key: " + relay.clientKey
                    + "\r\nconnection: close\r\ncontent-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(1_500); // well past the 400 ms idle timeout while KeyRelay holds the upstream paused
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[256 * 1024];
            String tail = "";
            boolean interrupted = false;
            boolean complete = false;
            int n;
            while (!complete && (n = in.read(buf)) > 0) {
                String seen = tail + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                interrupted |= seen.contains("event: error");
                complete = seen.contains("event: message_stop");
                tail = seen.substring(Math.max(0, seen.length() - 64));
            }
            assertTrue(complete, "the whole stream arrived");
            assertFalse(interrupted, "no interruption");
        }
    }

    @Test
    void usageOfStreamedAndWholeAnswersIsCountedForTheKeyAndTheClientKey() {
        relay.addKey("k1", false);
        for (ProxyRoute route : ProxyRoute.all().toList()) {
            assertEquals(200, relay.post(route.path(), route.body()).statusCode());
        }
        // Anthropic whole: 10+5+2+3=20; Anthropic stream: 10+5=15; OpenAI whole and stream: 15 each
        waitUntil(() -> relay.services().keys().find("k1").orElseThrow().tokensUsed() == 65, "key usage written");
        assertEquals(4, relay.services().keys().find("k1").orElseThrow().requestsCount());
        waitUntil(() -> relay.services().clientKeys().list().stream().anyMatch(k -> k.tokensUsed() == 65 && k.requestsCount() == 4),
                "client key usage written");
    }

    @Test
    void upstreamThatNeverAnswersIsAbandonedAtTheFirstByteTimeoutAndTheRequestRetried() {
        relay.addKey("k1", false);
        relay.addKey("k2", false);
        relay.upstream.on(FakeUpstream.any(), 1, FakeUpstream.hang());

        HttpResponse<String> served = relay.post("/v1/messages", MESSAGES.body());
        assertEquals(200, served.statusCode(), served.body());

        relay.upstream.always(FakeUpstream.any(), FakeUpstream.hang());
        HttpResponse<String> timedOut = relay.post("/v1/chat/completions", COMPLETIONS.body());
        assertEquals(504, timedOut.statusCode(), timedOut.body());
        assertEquals("timeout", new JsonObject(timedOut.body()).getJsonObject("error").getString("code"));
        waitUntil(() -> relay.upstream.open() == 0, "abandoned upstream requests are closed");
    }

    @Test
    void clientsThatExpect100ContinueAreAnswered() throws Exception {
        relay.addKey("k1", false);
        String body = MESSAGES.body();
        try (Socket socket = new Socket("127.0.0.1", relay.relay.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nexpect: 100-continue\r\n"
                    + "x-api-key: " + relay.clientKey + "\r\ncontent-length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            String first = new String(buf, 0, n, StandardCharsets.US_ASCII);
            assertTrue(first.startsWith("HTTP/1.1 100 Continue"), first);
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertTrue(readUntil(in, "HTTP/1.1 200 OK"), "then the answer");
        }
    }

    private static boolean readUntil(InputStream in, String marker) throws java.io.IOException {
        StringBuilder seen = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && seen.length() < 4096) {
            seen.append((char) c);
            if (seen.indexOf(marker) >= 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void noKeysAtAllGives503() {
        HttpResponse<String> r = relay.post("/v1/messages", MESSAGES.body());
        assertEquals(503, r.statusCode());
        assertNotNull(r.headers().firstValue("retry-after").orElse(null));
    }

    /** Writes a POST /v1/messages with {@code body} and the client key on a raw socket, to leave it at will. */
    private void sendMessages(Socket socket, String body) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-api-key: " + relay.clientKey
                + "\r\ncontent-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
