package io.keyrelay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.RelayFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bodies that arrive in many chunks are gathered, checked and forwarded byte for byte. */
class ProxyBodyTest {
    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_MAX_BODY_BYTES", "2m"));
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void aLargeBodyReachesTheUpstreamByteForByte() {
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            prompt.append("token").append(i).append(" \u00e9\u4e2d ");
        }
        String body = "{\"model\":\"claude-sonnet-4\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}],\"stream\":true}";
        assertTrue(body.length() > 200_000, "large enough to arrive in several chunks");

        HttpResponse<String> answer = relay.post("/v1/messages", body);

        assertEquals(200, answer.statusCode());
        assertTrue(answer.body().contains("event: message_stop"), "streamed, as the body asked");
        assertEquals(body, relay.upstream.received().get(0).body());
    }

    @Test
    void aLargeMalformedBodyIsRefusedAndNeverForwarded() {
        String body = "{\"messages\":[\"" + "x".repeat(300_000) + "\"]";
        assertEquals(400, relay.post("/v1/messages", body).statusCode());
        assertTrue(relay.upstream.received().isEmpty());
    }
}
