package io.keyrelay.security;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.clients.ClientKeys;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.ChildKeyRelay;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.TestStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients cannot exhaust the heap (SPEC §8 "Hostile clients"). KeyRelay runs in a child JVM with README's
 * flags (a 256 MB heap); the attacks are the ones that took it down: large sign-in bodies from anyone, and large
 * proxy bodies from a client-key holder, each held open just short of their end.
 */
class EdgeMemoryTest {
    private static final int MIB = 1024 * 1024;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;
    ChildKeyRelay child;
    FakeUpstream upstream;

    @AfterEach
    void stop() {
        if (child != null) {
            child.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anonymousSignInBodiesOfAMegabyteEachCannotExhaustTheHeap() {
        child = ChildKeyRelay.start(dataDir, Map.of());

        try (HostileUploads uploads = HostileUploads.send(child.port(), 150, 30,
                "POST /admin/sign-in HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                        + "x-keyrelay-csrf: 1\r\n", "{\"token\":\"", MIB - 1)) {
            assertStillServing("while 150 sign-in bodies are held open");
        }
        assertStillServing("after they closed");
    }

    @Test
    void aClientKeyHolderSendingManyLargeBodiesGetsFastRefusalsNotAnOutOfMemoryError() throws Exception {
        String clientKey;
        try (MongoStorage storage = TestStorage.open(dataDir)) {
            storage.keys().insert(PoolKey.fresh("k1", "sk-fake-k1-0123456789abcdef", false, null, Instant.now()));
            clientKey = new ClientKeys(storage.clientKeys(), storage.clientWindows(), Clock.systemUTC()).create("hostile", 0).secret();
        }
        upstream = FakeUpstream.start();
        child = ChildKeyRelay.start(dataDir, upstream.env());

        try (HostileUploads uploads = HostileUploads.send(child.port(), 12, 12,
                "POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                        + "x-api-key: " + clientKey + "\r\n", "{\"model\":\"m\",\"messages\":[],\"x\":\"", 32 * MIB - 1)) {
            assertStillServing("while 12 bodies of 32 MB are held open");
        }
        assertStillServing("after they closed");
        HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + child.port() + "/v1/messages"))
                .header("x-api-key", clientKey).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, served.statusCode(), served.body());
    }

    private void assertStillServing(String when) {
        waitUntil(() -> child.get("/healthz", ANSWER_WITHIN) == 200 || !child.alive(), "/healthz answers " + when,
                Duration.ofSeconds(30));
        assertTrue(child.alive(), "the process is alive " + when + ":\n" + tail(child.output()));
        assertEquals(200, child.get("/healthz", ANSWER_WITHIN), "/healthz answers " + when);
        assertFalse(child.output().contains("OutOfMemoryError"), "no OutOfMemoryError " + when + ":\n" + tail(child.output()));
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 3000));
    }
}
