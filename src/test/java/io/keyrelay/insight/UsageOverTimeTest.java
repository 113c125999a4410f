package io.keyrelay.insight;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.any;
import static io.keyrelay.support.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage over time through the proxy and {@code GET /admin/usage} (SPEC §5a). */
class UsageOverTimeTest {
    private static final String MESSAGE = "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT = "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dataDir;
    RelayFixture relay;
    InsightApi admin;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_USAGE_OVER_TIME_FLUSH_INTERVAL", "100ms"));
        admin = new InsightApi(relay);
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private static Map<String, JsonObject> totals(JsonObject answer) {
        Map<String, JsonObject> out = new HashMap<>();
        answer.getJsonArray("series").forEach(s -> out.put(((JsonObject) s).getString("name"), ((JsonObject) s).getJsonObject("total")));
        return out;
    }

    @Test
    void requestsErrorsAndTokensAreCountedPerModelKeyAndClientKeyInTheHourTheyCameIn() {
        relay.post("/v1/messages", MESSAGE);
        relay.post("/v1/messages", MESSAGE);
        relay.post("/v1/chat/completions", CHAT);
        relay.upstream.on(any(), 1, status(400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"));
        relay.post("/v1/chat/completions", CHAT);
        relay.post("/v1/messages/count_tokens", MESSAGE); // not usage, as for the key's counters

        waitUntil(() -> totals(admin.ok("/admin/usage?by=model")).size() == 2
                && totals(admin.ok("/admin/usage?by=model")).get("gpt-4.1").getLong("requests") == 2, "usage written");
        JsonObject byModel = admin.ok("/admin/usage?by=model");
        Map<String, JsonObject> models = totals(byModel);
        assertEquals(2L, models.get("claude-x").getLong("requests"));
        assertEquals(0L, models.get("claude-x").getLong("errors"));
        assertEquals(20L, models.get("claude-x").getLong("inputTokens"));
        assertEquals(10L, models.get("claude-x").getLong("outputTokens"));
        assertEquals(4L, models.get("claude-x").getLong("cacheReadTokens"));
        assertEquals(1L, models.get("gpt-4.1").getLong("errors"), "a model name with a dot is kept as it is");
        assertEquals(10L, models.get("gpt-4.1").getLong("inputTokens"));

        JsonObject key = totals(admin.ok("/admin/usage?by=key")).get("k1");
        assertEquals(4L, key.getLong("requests"));
        assertEquals(1L, key.getLong("errors"));
        String clientKeyId = relay.services().clientKeys().list().get(0).id();
        assertEquals(4L, totals(admin.ok("/admin/usage?by=clientKey")).get(clientKeyId).getLong("requests"));

        assertEquals("hour", byModel.getString("bucket"));
        JsonArray points = byModel.getJsonArray("series").getJsonObject(0).getJsonArray("points");
        assertEquals(24, points.size(), "a point for every hour of the last day, empty ones too");
        Instant thisHour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        JsonObject last = points.getJsonObject(23);
        assertTrue(Instant.parse(last.getString("at")).equals(thisHour)
                || Instant.parse(last.getString("at")).equals(thisHour.minus(1, ChronoUnit.HOURS)), last.encode());
        long inHours = points.stream().mapToLong(p -> ((JsonObject) p).getLong("requests")).sum();
        assertEquals(byModel.getJsonArray("series").getJsonObject(0).getJsonObject("total").getLong("requests"), inHours);

        JsonObject byDay = admin.ok("/admin/usage?by=model&bucket=day");
        assertEquals(30, byDay.getJsonArray("series").getJsonObject(0).getJsonArray("points").size());
        assertEquals(2L, totals(byDay).get("claude-x").getLong("requests"), "days sum the same counts");
    }

    @Test
    void beyondTheTopNamesTheRestIsSummedAsOther() {
        relay.post("/v1/messages", MESSAGE);
        relay.post("/v1/messages", MESSAGE);
        relay.post("/v1/messages", MESSAGE.replace("claude-x", "small"));
        relay.post("/v1/messages", MESSAGE.replace("claude-x", "tiny"));
        waitUntil(() -> totals(admin.ok("/admin/usage?by=model")).size() == 3, "three models written");

        JsonObject top1 = admin.ok("/admin/usage?by=model&top=1");
        Set<String> names = new HashSet<>(totals(top1).keySet());
        assertEquals(Set.of("claude-x", "(other)"), names);
        assertEquals(2L, totals(top1).get("(other)").getLong("requests"));
    }

    @Test
    void badParametersGetTheUsual400() {
        InsightApi.Answer a = admin.get("/admin/usage?by=planet&bucket=week&top=0&from=soon");
        assertEquals(400, a.status());
        Set<String> paths = new HashSet<>();
        a.json().getJsonArray("details").forEach(d -> paths.add(((JsonObject) d).getString("path")));
        assertEquals(Set.of("by", "bucket", "top", "from"), paths);
        assertEquals(400, admin.get("/admin/usage?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z").status(),
                "five months by hour is too long a range");
        assertEquals(200, admin.get("/admin/usage?bucket=day&from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z").status());
        assertEquals(400, admin.get("/admin/usage?from=2026-06-01T00:00:00Z&to=2026-01-01T00:00:00Z").status());
    }
}
