package io.keyrelay.security;

import static io.keyrelay.support.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.keyrelay.upstream.UpstreamErrors;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text from the upstream (and what it echoes of clients) is handled in linear time (SPEC §8): error messages shaped
 * to make a backtracking regular expression run for minutes are cleaned in milliseconds, and the event loop that
 * handles one keeps serving. The bounds are generous: a backtracking engine takes minutes on these inputs.
 */
class PathologicalTextTest {
    private static final int SIZE = 64 * 1024;
    private static final Duration BOUND = Duration.ofSeconds(1);

    @TempDir
    Path dataDir;

    static Stream<String> pathologicalMessages() {
        return Stream.of(
                "a ".repeat(SIZE / 2),
                "a.".repeat(SIZE / 2),
                "1.".repeat(SIZE / 2),
                "a-".repeat(SIZE / 2),
                "x".repeat(SIZE),
                "sk-" + "a".repeat(SIZE - 3) + "!",
                "top ".repeat(SIZE / 4),
                "http:// ".repeat(SIZE / 8),
                "oh my ".repeat(SIZE / 6),
                "充值 ".repeat(SIZE / 3),
                (" ".repeat(50) + "b").repeat(SIZE / 51));
    }

    @ParameterizedTest
    @MethodSource("pathologicalMessages")
    void cleaningA64KibMessageTakesMilliseconds(String message) {
        String body = new JsonObject().put("error", new JsonObject().put("message", message)).encode();
        assertTimeoutPreemptively(BOUND, () -> UpstreamErrors.clientMessage(body));
    }

    @Test
    void anUpstreamErrorMadeToStallARegexNeitherDelaysItsAnswerNorItsEventLoop() {
        try (RelayFixture relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_EVENT_LOOPS", "1"))) {
            relay.addKey("k1", false);
            List<String> messages = pathologicalMessages().toList();
            for (String message : messages) {
                relay.upstream.on(FakeUpstream.any(), 1, status(400,
                        new JsonObject().put("error", new JsonObject().put("message", message)).encode()));
                HttpResponse<String> r = assertTimeoutPreemptively(BOUND.multipliedBy(5),
                        () -> relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}"));
                assertEquals(400, r.statusCode());
            }
        }
    }
}
