package io.keyrelay.ops;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz, /readyz, /metrics and the browser-hardening headers of every non-proxy route. */
class OpsEndpointsTest {
    private static final String MESSAGES = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":false}";
    private static final String COMPLETIONS_STREAM = "{\"model\":\"gpt\",\"messages\":[],\"stream\":true}";

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void healthAndReadinessAnswer200WhenTheDatabaseIsUpAndThePoolLoaded() {
        relay = RelayFixture.start(dataDir);
        assertEquals(200, get("/healthz", Map.of()).statusCode());
        HttpResponse<String> ready = get("/readyz", Map.of());
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject body = new JsonObject(ready.body());
        assertEquals("ready", body.getString("status"));
        assertEquals("reachable", body.getString("database"));
        assertEquals("loaded", body.getString("pool"));
    }

    @Test
    void metricsCountRequestsByRouteStatusAndEndpointRetriesFailoversKeysAndClientKeyIds() {
        relay = RelayFixture.start(dataDir);
        relay.addKey("k1", true);
        relay.upstream.on(key(apiKeyOf("k1")).and(FakeUpstream.side(FakeUpstream.Side.PRIMARY)), 1,
                status(402, "{\"error\":{\"message\":\"Insufficient balance\"}}"));

        assertEquals(200, relay.post("/v1/messages", MESSAGES).statusCode()); // 402 on primary, then failover
        assertEquals(200, relay.post("/v1/chat/completions", COMPLETIONS_STREAM).statusCode());
        assertEquals(401, relay.post("/v1/messages", MESSAGES, Map.of()).statusCode());
        relay.awaitStateWrites();

        String metrics = get("/metrics", Map.of()).body();
        assertTrue(metrics.contains("keyrelay_requests_total{endpoint=\"failover\",route=\"/v1/messages\",status=\"200\"} 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_requests_total{endpoint=\"failover\",route=\"/v1/chat/completions\",status=\"200\"} 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_requests_total{endpoint=\"none\",route=\"/v1/messages\",status=\"401\"} 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_retries_total 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_failovers_total 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_upstream_latency_seconds_count{endpoint=\"primary\",outcome=\"4xx\"} 1"), metrics);
        assertTrue(metrics.contains("keyrelay_upstream_latency_seconds_bucket{endpoint=\"failover\",outcome=\"2xx\",le=\"300.0\"} 2"), metrics);
        assertTrue(metrics.contains("keyrelay_keys{status=\"using_failover\"} 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_keys_available 1.0"), metrics);
        assertTrue(metrics.contains("keyrelay_backup_keys_available"), metrics);
        String clientId = relay.services().clientKeys().list().get(0).id();
        assertTrue(metrics.contains("keyrelay_client_requests_total{client_key=\"" + clientId + "\"} 2.0"), metrics);
        assertFalse(metrics.contains(relay.clientKey), "never the client key itself");
        assertFalse(metrics.contains(apiKeyOf("k1")), "never an API key");
    }

    @Test
    void metricsAskForTheTokenWhenOneIsSet() {
        String token = "metrics-token-0123456789";
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_METRICS_TOKEN", token));
        assertEquals(401, get("/metrics", Map.of()).statusCode());
        assertEquals(401, get("/metrics", Map.of("authorization", "Bearer wrong-token-0123456789")).statusCode());
        HttpResponse<String> ok = get("/metrics", Map.of("authorization", "Bearer " + token));
        assertEquals(200, ok.statusCode());
        assertTrue(ok.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        assertTrue(ok.body().contains("keyrelay_requests") || ok.body().contains("keyrelay_keys"));
    }

    @Test
    void theAlertStateIsServedToTheAdminAtAdminAlerts() {
        relay = RelayFixture.start(dataDir);
        assertEquals(401, get("/admin/alerts", Map.of()).statusCode());
        io.keyrelay.support.Eventually.waitUntil(() -> new JsonObject(get("/admin/alerts", admin()).body())
                .getLong("availableBackups") == 0, "the first count of backup keys");
        JsonObject state = new JsonObject(get("/admin/alerts", admin()).body());
        assertEquals(2, state.getInteger("watermark"));
        assertEquals("backup_low", state.getJsonArray("alerts").getJsonObject(0).getString("condition"));

        relay.addBackup("b1", false);
        relay.addBackup("b2", false);
        relay.services().operations().checkBackupsSoon();
        io.keyrelay.support.Eventually.waitUntil(() -> new JsonObject(get("/admin/alerts", admin()).body())
                .getJsonArray("alerts").isEmpty(), "no banner once two backup keys are there");
    }

    @Test
    void addingOrDeletingBackupKeysThroughTheAdminApiReEvaluatesTheAlertWithoutWaitingForTheTimer() {
        // the periodic count runs once at start and then not for an hour
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_SYNC_INTERVAL", "1h"));
        io.keyrelay.support.Eventually.waitUntil(() -> alertCount() == 1, "the first count raises backup_low");

        Map<String, String> write = Map.of("authorization", "Bearer " + RelayFixture.ADMIN_TOKEN);
        String b1 = new JsonObject().put("id", "b1").put("apiKey", apiKeyOf("b1")).encode();
        assertEquals(201, relay.post("/admin/ohmygpt/backup-keys", b1, write).statusCode());
        assertEquals(200, relay.post("/admin/ohmygpt/backup-keys/import", "[\"" + apiKeyOf("b2") + "\"]", write)
                .statusCode());
        io.keyrelay.support.Eventually.waitUntil(() -> alertCount() == 0, "the alert cleared by the added keys");

        HttpRequest delete = HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/admin/ohmygpt/backup-keys/b1"))
                .header("authorization", "Bearer " + RelayFixture.ADMIN_TOKEN).DELETE().build();
        try {
            assertEquals(200, relay.http().send(delete, HttpResponse.BodyHandlers.ofString()).statusCode());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        io.keyrelay.support.Eventually.waitUntil(() -> alertCount() == 1, "backup_low raised again by the delete");
    }

    private int alertCount() {
        return new JsonObject(get("/admin/alerts", admin()).body()).getJsonArray("alerts").size();
    }

    private static Map<String, String> admin() {
        return Map.of("authorization", "Bearer " + RelayFixture.ADMIN_TOKEN);
    }

    @Test
    void nonProxyResponsesCarryAStrictContentSecurityPolicyAndNoFramingOrSniffing() {
        relay = RelayFixture.start(dataDir);
        for (String path : new String[] {"/healthz", "/readyz", "/metrics", "/admin/ohmygpt/keys", "/no-such-page"}) {
            HttpResponse<String> r = get(path, Map.of());
            String csp = r.headers().firstValue("content-security-policy").orElse("");
            assertTrue(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'")
                    && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), path + ": " + csp);
            assertEquals("DENY", r.headers().firstValue("x-frame-options").orElse(null), path);
            assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(null), path);
        }
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.baseUrl() + path)).GET();
        headers.forEach(b::header);
        try {
            return relay.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
