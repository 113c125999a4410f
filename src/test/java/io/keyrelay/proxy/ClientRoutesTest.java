package io.keyrelay.proxy;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyStatus;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route of SPEC §2 through the pool, and the answers SDKs understand (issue "Every route real clients call"). */
class ClientRoutesTest {
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String MESSAGE = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_USAGE_FLUSH_INTERVAL", "100ms", "KEYRELAY_MAX_BODY_BYTES", "64k"));
        relay.addKey("k1", true);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void countTokensGoesToTheBaseUrlWithItsQueryAndIsNotCountedAsUsage() {
        HttpResponse<String> r = relay.post("/v1/messages/count_tokens?beta=true", MESSAGE,
                Map.of("x-api-key", relay.clientKey, "anthropic-version", "2023-06-01", "anthropic-beta", "token-counting-2024-11-01"));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(42, new JsonObject(r.body()).getInteger("input_tokens"));
        FakeUpstream.Received seen = relay.upstream.received().get(0);
        assertEquals("/primary/v1/messages/count_tokens", seen.path());
        assertEquals("beta=true", seen.query());
        assertEquals("token-counting-2024-11-01", seen.headers().get("anthropic-beta"));
        assertNotCounted();
    }

    @Test
    void theQueryStringReachesTheUpstreamUnchangedOnEveryRoute() {
        relay.post("/v1/messages?beta=true&x=%2Fa", MESSAGE);
        relay.post("/v1/chat/completions?api-version=2024-10-21", CHAT);
        assertEquals("beta=true&x=%2Fa", relay.upstream.received().get(0).query());
        assertEquals("api-version=2024-10-21", relay.upstream.received().get(1).query());
    }

    @Test
    void modelsAreListedInTheDialectTheClientSpeaks() {
        JsonObject openAi = new JsonObject(get("/v1/models", Map.of()).body());
        assertEquals("list", openAi.getString("object"));
        assertEquals("gpt-fake", openAi.getJsonArray("data").getJsonObject(0).getString("id"));
        JsonObject anthropic = new JsonObject(get("/v1/models?limit=20", Map.of("anthropic-version", "2023-06-01")).body());
        assertEquals("claude-fake", anthropic.getJsonArray("data").getJsonObject(0).getString("id"));
        assertEquals("limit=20", relay.upstream.received().get(1).query());
        HttpResponse<String> one = get("/v1/models/gpt-4o", Map.of());
        assertEquals(200, one.statusCode());
        assertEquals("gpt-4o", new JsonObject(one.body()).getString("id"));
        assertEquals("GET", relay.upstream.received().get(2).method());
        assertEquals("/primary/v1/models/gpt-4o", relay.upstream.received().get(2).path());
        assertNotCounted();
    }

    @Test
    void responsesAndEmbeddingsAreCountedAsUsage() {
        assertEquals(200, relay.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"hi\"}").statusCode());
        HttpResponse<String> stream = relay.post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"hi\",\"stream\":true}");
        assertEquals(200, stream.statusCode());
        assertTrue(stream.body().contains("event: response.completed"), stream.body());
        assertEquals(200, relay.post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}").statusCode());

        waitUntil(() -> relay.services().keys().find("k1").orElseThrow().requestsCount() == 3, "three requests counted");
        assertEquals(18 + 18 + 8, relay.services().keys().find("k1").orElseThrow().tokensUsed());
    }

    @Test
    void aKeyOnTheFailoverEndpointTakesEveryRouteToTheFailoverBase() {
        relay.upstream.on(key(apiKeyOf("k1")).and(FakeUpstream.side(FakeUpstream.Side.PRIMARY)), 1,
                status(402, "{\"error\":{\"message\":\"Insufficient balance\"}}"));
        assertEquals(200, relay.post("/v1/messages", MESSAGE).statusCode());
        assertEquals(KeyStatus.USING_FAILOVER, relay.services().pool().get("k1").orElseThrow().status());

        assertEquals(200, relay.post("/v1/messages/count_tokens", MESSAGE).statusCode());
        assertEquals(200, get("/v1/models", Map.of()).statusCode());
        assertEquals("/failover/v1/messages/count_tokens", relay.upstream.received().get(2).path());
        assertEquals("/failover/v1/models", relay.upstream.received().get(3).path());
    }

    @Test
    void theUpstreamsRequestIdReachesTheClientAndNoOtherUpstreamHeaderDoes() {
        relay.upstream.on(FakeUpstream.any(), 1, status(200, "{\"id\":\"x\",\"usage\":{\"input_tokens\":1}}",
                Map.of("x-upstream-secret", "relay-internal", "server", "ohmygpt-edge")));
        HttpResponse<String> ok = relay.post("/v1/messages", MESSAGE);
        assertEquals("req_fake_0", ok.headers().firstValue("x-request-id").orElseThrow());
        assertTrue(ok.headers().firstValue("x-upstream-secret").isEmpty());
        assertFalse(ok.headers().firstValue("server").orElse("").contains("ohmygpt"));

        relay.upstream.on(FakeUpstream.any(), 1, status(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long\"}}"));
        HttpResponse<String> refused = relay.post("/v1/messages", MESSAGE);
        assertEquals(400, refused.statusCode());
        assertEquals("req_fake_1", refused.headers().firstValue("request-id").orElseThrow());
    }

    @Test
    void errorsRetryingCannotFixSayNotToRetry() {
        relay.upstream.on(FakeUpstream.any(), 1, status(400, "{\"error\":{\"message\":\"prompt is too long\"}}"));
        assertNoRetry(relay.post("/v1/chat/completions", CHAT), 400);
        assertNoRetry(relay.post("/v1/messages", MESSAGE, Map.of("x-api-key", "kr-wrong")), 401);
        assertNoRetry(relay.post("/v1/messages", "not json"), 400);
        assertNoRetry(send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/v1/messages"))
                .header("authorization", "Bearer " + relay.clientKey).header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(MESSAGE)).build()), 415);
        assertNoRetry(relay.post("/v1/messages", "{\"pad\":\"" + "a".repeat(70_000) + "\"}"), 413);
        HttpResponse<String> server = relay.post("/v1/messages", MESSAGE);
        assertEquals(200, server.statusCode());
        assertTrue(server.headers().firstValue("x-should-retry").isEmpty());
    }

    @Test
    void unknownPathsAndMethodsGetJsonInTheDialectOfThePath() {
        HttpResponse<String> openAi = get("/v1/assistants", Map.of());
        assertNoRetry(openAi, 404);
        assertEquals("not_found", new JsonObject(openAi.body()).getJsonObject("error").getString("code"));
        HttpResponse<String> anthropic = relay.post("/v1/messages/batches", MESSAGE);
        assertNoRetry(anthropic, 404);
        assertEquals("error", new JsonObject(anthropic.body()).getString("type"));
        HttpResponse<String> wrongMethod = get("/v1/messages", Map.of());
        assertNoRetry(wrongMethod, 405);
        assertEquals("POST", wrongMethod.headers().firstValue("allow").orElseThrow());
        assertEquals("error", new JsonObject(wrongMethod.body()).getString("type"));
        for (String id : new String[] {"..", "..%2F..%2Fuser%2Fbalance", "gpt%2F4o", ".", "a%00b"}) {
            assertNoRetry(get("/v1/models/" + id, Map.of()), 404);
        }
        assertEquals(0, relay.upstream.received().size(), "no model id that could read as another path goes upstream");
    }

    @Test
    void compressedBodiesAreDecodedBeforeTheyGoUpstream() throws IOException {
        byte[] plain = CHAT.getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, byte[]> encoded : Map.of("gzip", gzip(plain), "deflate", deflate(plain),
                "br", BrotliStream.uncompressed(plain)).entrySet()) {
            relay.upstream.clear();
            HttpResponse<String> r = postBytes("/v1/chat/completions", encoded.getValue(), encoded.getKey());
            assertEquals(200, r.statusCode(), encoded.getKey() + ": " + r.body());
            FakeUpstream.Received seen = relay.upstream.received().get(0);
            assertEquals(CHAT, seen.body(), encoded.getKey());
            assertNull(seen.headers().get("content-encoding"));
        }
        assertNoRetry(postBytes("/v1/chat/completions", plain, "gzip"), 400);
        assertNoRetry(postBytes("/v1/chat/completions", plain, "compress"), 415);
        byte[] bomb = gzip(("{\"pad\":\"" + "a".repeat(2_000_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < 64 * 1024, "small when compressed");
        assertNoRetry(postBytes("/v1/chat/completions", bomb, "gzip"), 413);
    }

    /** What came before counted nothing: after one counted message, the key and the client key show that one only. */
    private void assertNotCounted() {
        relay.post("/v1/messages", MESSAGE); // the fake answers it with 10 + 5 + 2 + 3 tokens
        waitUntil(() -> relay.services().keys().find("k1").orElseThrow().requestsCount() >= 1, "the message counted");
        assertEquals(1, relay.services().keys().find("k1").orElseThrow().requestsCount());
        assertEquals(20, relay.services().keys().find("k1").orElseThrow().tokensUsed());
        waitUntil(() -> relay.services().clientKeys().list().get(0).requestsCount() >= 1, "the client key's count written");
        assertEquals(1, relay.services().clientKeys().list().get(0).requestsCount());
    }

    private static void assertNoRetry(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("false", r.headers().firstValue("x-should-retry").orElse(null), "x-should-retry on " + status);
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), r.body());
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
                .header("authorization", "Bearer " + relay.clientKey).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    private HttpResponse<String> postBytes(String path, byte[] body, String encoding) {
        return send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
                .header("authorization", "Bearer " + relay.clientKey).header("content-type", "application/json")
                .header("content-encoding", encoding).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return relay.http().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }
}
