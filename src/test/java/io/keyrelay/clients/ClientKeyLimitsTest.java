package io.keyrelay.clients;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client key's controls at the proxy (SPEC §5a): budget, expiry, allowed models and tokens per minute, each refused
 * in the route's own format before anything reaches the upstream; budget periods rolling over on the injected clock;
 * and the budget crossed by requests running together.
 */
class ClientKeyLimitsTest {
    private static final String MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** Tokens the fake upstream's Anthropic answer uses: 10 in, 5 out, 2 cache read, 3 cache write. */
    private static final long MESSAGE_TOKENS = 20;

    @TempDir
    Path dataDir;
    MutableClock clock = MutableClock.startingAt("2026-12-31T23:59:00Z");
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_USAGE_FLUSH_INTERVAL", "100ms", "KEYRELAY_EVENT_LOOPS", "2"),
                FakeUpstream.start(), clock);
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private String key(ClientKeyControls controls) {
        return relay.services().clientKeys().create("customer", controls).secret();
    }

    /** The key {@link #key} made, as stored. */
    private ClientKey stored() {
        return relay.services().clientKeys().list().stream().filter(k -> k.name().equals("customer")).findFirst().orElseThrow();
    }

    private HttpResponse<String> post(String secret, String path, String body) {
        return relay.post(path, body, Map.of("authorization", "Bearer " + secret));
    }

    private HttpResponse<String> get(String secret, String path) throws Exception {
        return relay.http().send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
                .header("authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ClientKeyControls budget(long tokens, BudgetPeriod period) {
        return new ClientKeyControls(0, 0, tokens, period, null, ModelPatterns.ANY);
    }

    @Test
    void overItsBudgetAKeyGets429ThatSaysWhichBudgetAndWhenItResetsInBothFormats() {
        String secret = key(budget(MESSAGE_TOKENS, BudgetPeriod.DAY));
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        int sent = relay.upstream.received().size();

        HttpResponse<String> anthropic = post(secret, "/v1/messages", MESSAGE);
        assertEquals(429, anthropic.statusCode());
        assertEquals("false", anthropic.headers().firstValue("x-should-retry").orElseThrow());
        assertEquals("60", anthropic.headers().firstValue("retry-after").orElseThrow(), "the day ends in a minute");
        JsonObject error = new JsonObject(anthropic.body()).getJsonObject("error");
        assertEquals("rate_limit_error", error.getString("type"));
        assertTrue(error.getString("message").contains("budget of 20 per day")
                && error.getString("message").contains("2027-01-01T00:00:00Z"), error.getString("message"));

        HttpResponse<String> openAi = post(secret, "/v1/chat/completions", CHAT);
        assertEquals(429, openAi.statusCode());
        assertEquals("insufficient_quota", new JsonObject(openAi.body()).getJsonObject("error").getString("code"));
        assertEquals(sent, relay.upstream.received().size(), "nothing refused went upstream");
    }

    @Test
    void theBudgetIsWholeAgainWhenItsPeriodRollsOver() {
        String secret = key(budget(MESSAGE_TOKENS, BudgetPeriod.MONTH));
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        assertEquals(429, post(secret, "/v1/messages", MESSAGE).statusCode());

        clock.advance(Duration.ofMinutes(1)); // 2027-01-01T00:00:00Z: a new month
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        assertEquals(429, post(secret, "/v1/messages", MESSAGE).statusCode());
        waitUntil(() -> stored().periodTokens() == MESSAGE_TOKENS
                && Instant.parse("2027-01-01T00:00:00Z").equals(stored().periodStart()), "the new month's count written");
    }

    @Test
    void aTotalBudgetNeverResetsAndSaysSo() {
        String secret = key(budget(1, BudgetPeriod.TOTAL));
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        clock.advance(Duration.ofDays(400));

        HttpResponse<String> r = post(secret, "/v1/messages", MESSAGE);
        assertEquals(429, r.statusCode());
        assertTrue(r.headers().firstValue("retry-after").isEmpty());
        assertTrue(r.body().contains("does not reset"), r.body());
    }

    @Test
    void anExpiredKeyGets401InBothFormats() {
        String secret = key(new ClientKeyControls(0, 0, 0, BudgetPeriod.TOTAL, clock.instant().plusSeconds(30), ModelPatterns.ANY));
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        clock.advance(Duration.ofSeconds(30));

        HttpResponse<String> anthropic = post(secret, "/v1/messages", MESSAGE);
        assertEquals(401, anthropic.statusCode());
        assertEquals("false", anthropic.headers().firstValue("x-should-retry").orElseThrow());
        assertEquals("authentication_error", new JsonObject(anthropic.body()).getJsonObject("error").getString("type"));
        HttpResponse<String> openAi = post(secret, "/v1/chat/completions", CHAT);
        assertEquals(401, openAi.statusCode());
        assertEquals("invalid_api_key", new JsonObject(openAi.body()).getJsonObject("error").getString("code"));
        assertTrue(openAi.body().contains("expired"), openAi.body());
    }

    @Test
    void onlyAllowedModelsPassOnEveryRoute() throws Exception {
        String secret = key(new ClientKeyControls(0, 0, 0, BudgetPeriod.TOTAL, null,
                new ModelPatterns(List.of("claude-*", "gpt-4o-mini"))));
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        assertEquals(200, post(secret, "/v1/messages", MESSAGE.replace("claude-sonnet-4-5", "CLAUDE-haiku")).statusCode());
        int sent = relay.upstream.received().size();

        HttpResponse<String> chat = post(secret, "/v1/chat/completions", CHAT);
        assertEquals(403, chat.statusCode());
        assertEquals("false", chat.headers().firstValue("x-should-retry").orElseThrow());
        assertTrue(chat.body().contains("gpt-4o"), chat.body());
        assertEquals(403, post(secret, "/v1/messages", MESSAGE.replace("\"model\":\"claude-sonnet-4-5\",", "")).statusCode(),
                "a request naming no model cannot be checked");
        HttpResponse<String> lookup = get(secret, "/v1/models/gpt-4");
        assertEquals(403, lookup.statusCode());
        assertEquals("permission_denied", new JsonObject(lookup.body()).getJsonObject("error").getString("code"),
                "the models routes answer in OpenAI's format unless Anthropic's headers are sent");
        assertEquals(sent, relay.upstream.received().size(), "nothing refused went upstream");
        assertEquals(200, get(secret, "/v1/models/gpt-4o-mini").statusCode());
        assertEquals(200, get(secret, "/v1/models").statusCode(), "the list names no model");
    }

    @Test
    void overItsTokensPerMinuteAKeyWaitsForTheNextMinute() {
        String secret = key(new ClientKeyControls(0, 2 * MESSAGE_TOKENS, 0, BudgetPeriod.TOTAL, null, ModelPatterns.ANY));
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
        waitUntil(() -> post(secret, "/v1/messages", MESSAGE).statusCode() == 429, "the minute's tokens used up");

        HttpResponse<String> r = post(secret, "/v1/messages", MESSAGE);
        assertEquals(429, r.statusCode());
        assertTrue(r.body().contains("40 tokens per minute"), r.body());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(200, post(secret, "/v1/messages", MESSAGE).statusCode());
    }

    /**
     * Ten clients at once on a key with a budget of ten answers, each answer taking 200 ms: requests under way count
     * toward the budget as they are expected to use it, so the budget is crossed by at most one answer's tokens.
     */
    @Test
    void requestsRunningTogetherCrossTheBudgetByOneAnswerAtMost() throws Exception {
        long budget = 10 * MESSAGE_TOKENS;
        String secret = key(budget(budget, BudgetPeriod.DAY));
        relay.upstream.always(FakeUpstream.any(), (r, req, up) -> io.vertx.core.Vertx.currentContext().owner()
                .setTimer(200, t -> FakeUpstream.ok().respond(r, req, up)));
        String slow = MESSAGE;
        assertEquals(200, post(secret, "/v1/messages", slow).statusCode()); // one answer sets the expected size

        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                statuses.add(clients.submit(() -> post(secret, "/v1/messages", slow).statusCode()));
            }
            for (Future<Integer> f : statuses) {
                int status = f.get();
                assertTrue(status == 200 || status == 429, "status " + status);
            }
        } finally {
            clients.shutdownNow();
        }
        long used = relay.services().clientKeys().tokensUsedInPeriod(stored());
        assertTrue(used >= budget && used <= budget + MESSAGE_TOKENS, "used " + used + " of " + budget);
    }
}
