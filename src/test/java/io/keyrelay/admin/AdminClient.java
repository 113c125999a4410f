package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calls the admin API over real HTTP. Every answer is scanned: no body or header may hold a whole secret the test
 * gave the server (an upstream key, the admin token, a client key after its creation answer), nor a secret's
 * hidden middle.
 */
final class AdminClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, Map<String, List<String>> headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray array(String field) {
            return json().getJsonArray(field);
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        String error() {
            return json().getString("error");
        }

        /** The paths of a 400's details. */
        List<String> paths() {
            return json().getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")).toList();
        }
    }

    private final AdminServer server;
    private final String token;
    private final Map<String, String> headers = new LinkedHashMap<>();

    AdminClient(AdminServer server, String token) {
        this.server = server;
        this.token = token;
    }

    AdminClient header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Response get(String path) {
        return send("GET", path, null, null);
    }

    Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    Response post(String path, Object json) {
        return send("POST", path, json == null ? null : json.toString(), "application/json");
    }

    Response patch(String path, Object json) {
        return send("PATCH", path, json.toString(), "application/json");
    }

    Response send(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Response response = new Response(r.statusCode(), r.headers().map(), r.body());
            assertHoldsNoSecret(method + " " + path, response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void assertHoldsNoSecret(String call, Response response) {
        String everything = response.body() + " " + response.headers();
        for (String secret : server.secrets) {
            assertFalse(everything.contains(secret), call + " answered with a whole secret");
            if (secret.length() > 16) {
                String hidden = secret.substring(8, secret.length() - 4);
                assertFalse(everything.contains(hidden), call + " answered with the hidden part of a secret");
            }
        }
    }
}
