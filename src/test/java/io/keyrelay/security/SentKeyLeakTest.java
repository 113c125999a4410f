package io.keyrelay.security;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key KeyRelay sent never comes back to a client, whatever its shape (SPEC §2): an upstream validation error
 * that echoes the pool key (or the client's own key) reaches the client with that key removed. The whole answer,
 * head and body, is checked for the key and for its middle (what a mask hides).
 */
class SentKeyLeakTest {
    private static final List<String> ODD_KEYS = List.of(
            "shortsecretkey_POOL2xyz",
            "sk-abc.DOTSECRET-part2-zzzzzz",
            "Key/With+Slashes=And.Dots~1",
            "abc%2Fencoded%3Dkey%26more",
            "sk-proj-Zq8rT2vLmN4pX7wB9cD1eF3gH5jK6mP0",
            "key|with|pipes|and:colons:1234");

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** Answers 400 with a message quoting the key it was sent, in several ways. */
    private static FakeUpstream.Behavior echoingTheKey(String apiKey) {
        return (r, req, up) -> status(400, new JsonObject().put("type", "error").put("error", new JsonObject()
                .put("type", "invalid_request_error")
                .put("message", "Key " + apiKey + " cannot use this model; (key: '" + apiKey + "'), key=" + apiKey + ".")
        ).encode()).respond(r, req, up);
    }

    @Test
    void aPoolKeyOfAnyShapeEchoedInAnUpstreamErrorNeverReachesTheClient() {
        for (int i = 0; i < ODD_KEYS.size(); i++) {
            String apiKey = ODD_KEYS.get(i);
            relay.services().administration().add("odd" + i, apiKey, false);
            relay.upstream.always(key(apiKey), echoingTheKey(apiKey));
        }
        for (int i = 0; i < ODD_KEYS.size() * 2; i++) {
            for (String path : List.of("/v1/messages", "/v1/chat/completions")) {
                HttpResponse<String> r = relay.post(path, "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}");
                assertEquals(400, r.statusCode(), r.body());
                for (String apiKey : ODD_KEYS) {
                    assertHoldsNo(apiKey, r);
                }
            }
        }
    }

    @Test
    void theClientsOwnKeyEchoedBackIsRemovedToo() {
        relay.addKey("k1", false);
        relay.upstream.always(FakeUpstream.any(), (r, req, up) -> status(400, new JsonObject().put("error",
                new JsonObject().put("message", "model '" + new JsonObject(r.body()).getString("model") + "' not found")
        ).encode()).respond(r, req, up));

        HttpResponse<String> r = relay.post("/v1/chat/completions",
                "{\"model\":\"" + relay.clientKey + "\",\"messages\":[]}",
                Map.of("authorization", "Bearer " + relay.clientKey));

        assertEquals(400, r.statusCode(), r.body());
        assertHoldsNo(relay.clientKey, r);
    }

    private static void assertHoldsNo(String secret, HttpResponse<String> r) {
        String whole = r.headers().map() + "\n" + r.body();
        assertFalse(whole.contains(secret), "the answer holds a whole key: " + whole);
        String middle = secret.substring(8, secret.length() - 4);
        assertFalse(whole.contains(middle), "the answer holds the hidden middle of a key: " + whole);
    }
}
