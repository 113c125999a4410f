package io.keyrelay.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The fake upstream's control paths (see {@link FastUpstream}): its fault mode and its counters. */
final class UpstreamControl {
    private final Settings settings;

    UpstreamControl(Settings settings) {
        this.settings = settings;
    }

    /** Faults on (15 pool keys answer 429, 15 more 402) or off. */
    void setFaults(boolean on) throws Exception {
        get("/_bench/faults?on=" + on);
    }

    /** Faults on, 429 only: the first 30 pool keys answer 429, which exhausts no key (for warming up). */
    void setRateLimitsOnly() throws Exception {
        get("/_bench/faults?on=true&only=429");
    }

    /** Attempts the upstream refused (429/402) since it started. */
    long refused() throws Exception {
        return new JsonObject(get("/_bench/stats")).getLong("refused", 0L);
    }

    private String get(String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + settings.upstreamPort + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
