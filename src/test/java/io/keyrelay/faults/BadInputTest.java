package io.keyrelay.faults;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.GarbageUpstream;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input, a hundred times each (SPEC §8): every one gets a clear 4xx or 5xx, nothing invalid reaches the
 * upstream, and the process keeps serving.
 */
class BadInputTest {
    private static final int TIMES = 100;
    private static final String VALID = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[]}";

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_MAX_BODY_BYTES", "64k"));
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void malformedJsonGets400() {
        String[] bodies = {"{\"model\":", "[1,2]", "not json", "{\"a\":1}}", "\u0000\u0001"};
        for (int i = 0; i < TIMES; i++) {
            HttpResponse<String> r = relay.post(i % 2 == 0 ? "/v1/messages" : "/v1/chat/completions", bodies[i % bodies.length]);
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(new JsonObject(r.body()).containsKey("error"));
        }
        assertNothingReachedTheUpstreamAndStillServing();
    }

    @Test
    void oversizedBodiesGet413WithOrWithoutAContentLength() throws IOException {
        String big = "{\"model\":\"x\",\"pad\":\"" + "a".repeat(70 * 1024) + "\"}";
        for (int i = 0; i < TIMES; i++) {
            if (i % 2 == 0) {
                assertEquals(413, relay.post("/v1/messages", big).statusCode());
            } else {
                assertEquals(413, chunkedPost(big).statusCode(), "streamed without a length");
            }
        }
        assertNothingReachedTheUpstreamAndStillServing();
    }

    @Test
    void oversizedHeadersGet431() {
        for (int i = 0; i < TIMES; i++) {
            assertEquals(431, rawPost("x-padding: " + "p".repeat(16 * 1024) + "\r\ncontent-length: " + VALID.length()
                    + "\r\n", VALID));
        }
        assertNothingReachedTheUpstreamAndStillServing();
    }

    @Test
    void aContentTypeOtherThanJsonGets415() {
        String[] types = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"};
        for (int i = 0; i < TIMES; i++) {
            HttpResponse<String> r = post("/v1/chat/completions", VALID, types[i % types.length]);
            assertEquals(415, r.statusCode(), r.body());
            assertEquals("invalid_request_error", new JsonObject(r.body()).getJsonObject("error").getString("type"));
        }
        assertEquals(200, post("/v1/messages", VALID, "application/json; charset=utf-8").statusCode(), "JSON with a charset passes");
        relay.upstream.clear();
        assertNothingReachedTheUpstreamAndStillServing();
    }

    @Test
    void unknownPathsAndMethodsGet404() throws Exception {
        String[] paths = {"/v2/messages", "/v1/message", "/v1/chat", "/admin-nope", "/../etc/passwd", "/v1/messages/x"};
        for (int i = 0; i < TIMES; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.baseUrl() + paths[i % paths.length]))
                    .header("authorization", "Bearer " + relay.clientKey);
            HttpRequest request = i % 3 == 0 ? b.GET().build() : b.POST(HttpRequest.BodyPublishers.ofString(VALID)).build();
            int status = relay.http().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
            assertTrue(status == 404 || status == 400, "status " + status + " for " + paths[i % paths.length]);
        }
        HttpResponse<String> get = relay.http().send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/v1/messages"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(get.statusCode() == 404 || get.statusCode() == 405, "GET on a proxy route: " + get.statusCode());
        assertNothingReachedTheUpstreamAndStillServing();
    }

    @Test
    void manySlowHeaderConnectionsDoNotStopOthersBeingServed() throws IOException {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket("127.0.0.1", relay.relay.port());
                s.getOutputStream().write("POST /v1/messages HTTP/1.1\r\nhost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(200, relay.post("/v1/messages", VALID).statusCode(), "served beside 500 slow clients");
            }
            for (Socket s : slow) {
                s.getOutputStream().write("x-slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertEquals(200, relay.post("/v1/chat/completions", VALID).statusCode());
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        assertEquals(21, relay.upstream.received().size(), "the half-sent requests never reached the upstream");
        relay.upstream.clear();
        assertNothingReachedTheUpstreamAndStillServing();
    }

    @Test
    void garbageFromTheUpstreamGets502OrAnErrorEventAndNeverTakesTheProcessDown() {
        try (GarbageUpstream garbage = new GarbageUpstream()) {
            Map<String, String> env = new HashMap<>(garbage.env());
            env.put("KEYRELAY_MAX_ATTEMPTS", "2");
            try (RelayFixture broken = RelayFixture.start(dataDir.resolve("garbage"), env)) {
                broken.addKey("k1", false);
                broken.addKey("k2", false);
                for (int i = 0; i < TIMES; i++) {
                    String answer = GarbageUpstream.ANSWERS.get(i % GarbageUpstream.ANSWERS.size());
                    garbage.answer(answer);
                    boolean stream = answer.equals(GarbageUpstream.MID_STREAM);
                    HttpResponse<String> r = broken.post("/v1/messages",
                            "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":" + stream + "}");
                    if (stream) {
                        assertEquals(200, r.statusCode());
                        assertTrue(r.body().contains("event: ping") && r.body().contains("event: error"), r.body());
                    } else {
                        assertEquals(502, r.statusCode(), "answer " + i % GarbageUpstream.ANSWERS.size() + ": " + r.body());
                        assertTrue(new JsonObject(r.body()).getJsonObject("error").getString("message").contains("upstream"));
                    }
                }
                assertTrue(garbage.connections() >= TIMES);
                assertEquals(200, get(broken, "/healthz"));
            }
        }
    }

    private void assertNothingReachedTheUpstreamAndStillServing() {
        assertEquals(0, relay.upstream.received().size(), "nothing invalid reached the upstream");
        assertEquals(200, relay.post("/v1/messages", VALID).statusCode(), "the process still serves");
        waitUntil(() -> get(relay, "/healthz") == 200, "healthy");
    }

    private static int get(RelayFixture fixture, String path) {
        try {
            return fixture.http().send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> post(String path, String body, String contentType) {
        try {
            return relay.http().send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
                    .header("authorization", "Bearer " + relay.clientKey).header("content-type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The status of a POST sent on a raw socket with extra header lines (each ending in CRLF). */
    private int rawPost(String headerLines, String body) {
        try (Socket s = new Socket("127.0.0.1", relay.relay.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "x-api-key: " + relay.clientKey + "\r\n" + headerLines + "\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(head.substring(9, 12));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A POST with chunked transfer encoding and no content-length, on a raw socket. */
    private HttpResponse<String> chunkedPost(String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", relay.relay.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-api-key: "
                    + relay.clientKey + "\r\ntransfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            try {
                for (int off = 0; off < bytes.length; off += 8192) {
                    int n = Math.min(8192, bytes.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the relay may answer and close before the whole body is sent
            }
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            int status = Integer.parseInt(head.substring(9, 12));
            return new StatusOnly(status);
        }
    }

    private record StatusOnly(int statusCode) implements HttpResponse<String> {
        public HttpRequest request() { return null; }
        public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true); }
        public String body() { return ""; }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        public URI uri() { return null; }
        public java.net.http.HttpClient.Version version() { return java.net.http.HttpClient.Version.HTTP_1_1; }
    }
}
