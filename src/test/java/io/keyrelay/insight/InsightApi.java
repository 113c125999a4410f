package io.keyrelay.insight;

import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The admin API of a {@link RelayFixture}, as the insight tests read it. */
final class InsightApi {
    record Answer(int status, JsonObject json) {
    }

    private final RelayFixture relay;

    InsightApi(RelayFixture relay) {
        this.relay = relay;
    }

    Answer get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(relay.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + RelayFixture.ADMIN_TOKEN).GET().build();
        try {
            HttpResponse<String> r = relay.http().send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), new JsonObject(r.body()));
        } catch (IOException e) {
            throw new AssertionError("admin request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A 200 answer's body. */
    JsonObject ok(String pathAndQuery) {
        Answer a = get(pathAndQuery);
        if (a.status() != 200) {
            throw new AssertionError(pathAndQuery + " answered " + a.status() + ": " + a.json().encode());
        }
        return a.json();
    }
}
