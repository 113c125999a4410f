package io.keyrelay.ops;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts reach the webhook, retried when it fails, and show in the alert state and the metrics. */
class AlertWebhookTest {
    private static final String BODY = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[]}";

    @TempDir
    Path dataDir;
    RelayFixture relay;
    HttpServer webhook;
    final List<JsonObject> delivered = new CopyOnWriteArrayList<>();
    final AtomicInteger posts = new AtomicInteger();

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        webhook.stop(0);
    }

    @Test
    void aKeyExhaustedWithNoBackupLeftIsPostedToTheWebhookAndAFailedDeliveryIsRetried() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alerts", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean fail = posts.incrementAndGet() == 1; // the first delivery fails
            if (!fail) {
                delivered.add(new JsonObject(body));
            }
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        webhook.start();
        relay = RelayFixture.start(dataDir, Map.of(
                "KEYRELAY_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts",
                "KEYRELAY_BACKUP_LOW_WATERMARK", "0"));
        relay.addKey("k1", false);
        relay.addKey("k2", false);
        relay.upstream.always(key(apiKeyOf("k1")), status(402, "{\"error\":{\"message\":\"Insufficient balance\"}}"));

        for (int i = 0; i < 3; i++) {
            assertEquals(200, relay.post("/v1/messages", BODY).statusCode());
        }

        waitUntil(() -> !delivered.isEmpty(), "the alert is delivered after one failed attempt");
        JsonObject alert = delivered.get(0);
        assertEquals("no_backup_left", alert.getString("condition"));
        assertEquals("firing", alert.getString("status"));
        assertEquals("k1", alert.getString("keyId"));
        assertEquals("test-instance", alert.getString("instance"));
        assertFalse(alert.encode().contains(apiKeyOf("k1")), "never the key itself");
        assertEquals(2, posts.get(), "one failed delivery, one retry");

        Operations ops = relay.services().operations();
        assertTrue(ops.alerts().isActive(BackupAlerts.Condition.NO_BACKUP_LEFT));
        assertEquals("no_backup_left", ops.alerts().toJson().getJsonArray("alerts").getJsonObject(0).getString("condition"));
        String metrics = ops.metrics().scrape();
        assertTrue(metrics.contains("keyrelay_alert_active{condition=\"no_backup_left\"} 1"), metrics);
        assertTrue(metrics.contains("keyrelay_keys_exhausted_total 1.0"), metrics);
    }
}
