package io.keyrelay.proxy;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.keyrelay.upstream.Dialect;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every token of an OpenAI chat stream is counted, also when the client did not ask for usage (the SDKs' default):
 * KeyRelay asks for it, and takes out of the stream what asking added (SPEC §2 Decision).
 */
class UsageAskedForTest {
    private static final String STREAM = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_USAGE_FLUSH_INTERVAL", "100ms"));
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void aStreamWhoseClientDidNotAskForUsageIsCountedAndReachesTheClientByteForByteAsWithout() throws Exception {
        HttpResponse<String> through = relay.post("/v1/chat/completions", STREAM);

        assertEquals(200, through.statusCode());
        JsonObject sent = new JsonObject(relay.upstream.received().get(0).body());
        assertEquals(true, sent.getJsonObject("stream_options").getBoolean("include_usage"));
        HttpResponse<String> direct = relay.http().send(HttpRequest.newBuilder(
                        URI.create(relay.upstream.url(FakeUpstream.Side.PRIMARY, Dialect.OPENAI)))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(STREAM)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertFalse(direct.body().contains("usage"), "the upstream adds nothing unasked");
        assertEquals(direct.body(), through.body());
        waitUntil(() -> relay.services().keys().find("k1").orElseThrow().tokensUsed() == 15, "the stream's 15 tokens counted");
    }

    @Test
    void aClientThatAskedForUsageGetsItAsTheUpstreamSentIt() {
        String asked = STREAM.replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        HttpResponse<String> r = relay.post("/chat/completions", asked);

        assertEquals(asked, relay.upstream.received().get(0).body(), "the body went upstream untouched");
        assertTrue(r.body().contains("\"choices\":[],\"usage\":{\"prompt_tokens\":10"), r.body());
    }

    @Test
    void otherStreamOptionsOfTheClientAreKept() {
        String options = STREAM.replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_obfuscation\":false}");
        HttpResponse<String> r = relay.post("/v1/chat/completions", options);

        JsonObject sent = new JsonObject(relay.upstream.received().get(0).body()).getJsonObject("stream_options");
        assertEquals(false, sent.getBoolean("include_obfuscation"));
        assertEquals(true, sent.getBoolean("include_usage"));
        assertFalse(r.body().contains("usage"), r.body());
    }
}
