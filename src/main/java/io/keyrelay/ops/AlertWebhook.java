package io.keyrelay.ops;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs alerts as JSON to {@code KEYRELAY_ALERT_WEBHOOK_URL}. A failed delivery (no connection, timeout, non-2xx) is
 * retried with growing pauses, then given up with an error in the log; sending never blocks the caller.
 */
final class AlertWebhook implements Consumer<JsonObject> {
    private static final Logger log = LoggerFactory.getLogger(AlertWebhook.class);
    static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
            Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32));

    private final URI url;
    private final ScheduledExecutorService scheduler;
    private final List<Duration> backoff;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AlertWebhook(URI url, ScheduledExecutorService scheduler, List<Duration> backoff) {
        this.url = url;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    @Override
    public void accept(JsonObject alert) {
        attempt(alert.encode(), alert.getString("condition"), 0);
    }

    private void attempt(String body, String condition, int retry) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            if (err == null && resp.statusCode() / 100 == 2) {
                log.info("alert {} delivered to the webhook", condition);
                return;
            }
            String why = err != null ? err.toString() : "HTTP " + resp.statusCode();
            if (retry >= backoff.size() || scheduler.isShutdown()) {
                log.error("alert {} could not be delivered to the webhook after {} attempts: {}", condition, retry + 1, why);
                return;
            }
            Duration pause = backoff.get(retry);
            log.warn("alert {} webhook delivery failed ({}); retrying in {} ms", condition, why, pause.toMillis());
            try {
                scheduler.schedule(() -> attempt(body, condition, retry + 1), pause.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                log.error("alert {} not delivered: shutting down", condition);
            }
        });
    }
}
