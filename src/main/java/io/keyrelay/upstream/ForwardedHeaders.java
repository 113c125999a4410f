package io.keyrelay.upstream;

import io.keyrelay.transport.RequestHeaders;
import io.keyrelay.transport.ResponseHead;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * Which headers cross KeyRelay. Upstream gets the client's protocol headers and the chosen key's credentials, never
 * the client's credentials, cookies or hop-by-hop headers; the client gets the answer's content headers only.
 */
public final class ForwardedHeaders {
    // header names as AsciiString constants: their hash is computed once, not on every lookup of every request
    private static final CharSequence ANTHROPIC_VERSION = HttpHeaders.createOptimized("anthropic-version");
    private static final CharSequence ANTHROPIC_BETA = HttpHeaders.createOptimized("anthropic-beta");
    private static final CharSequence X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    private static final CharSequence X_ACCEL_BUFFERING = HttpHeaders.createOptimized("x-accel-buffering");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
    private static final CharSequence NO = HttpHeaders.createOptimized("no");
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final List<CharSequence> FROM_CLIENT = List.of(ANTHROPIC_VERSION, ANTHROPIC_BETA,
            HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT);

    private ForwardedHeaders() {
    }

    public static void toUpstream(MultiMap client, RequestHeaders upstream, String apiKey) {
        for (CharSequence name : FROM_CLIENT) {
            String v = client.get(name);
            if (v != null) {
                upstream.set(name, v);
            }
        }
        if (!upstream.contains(HttpHeaders.CONTENT_TYPE)) {
            upstream.set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
        }
        upstream.set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
        upstream.set(X_API_KEY, apiKey);
    }

    public static void toClient(ResponseHead upstream, MultiMap client) {
        String type = upstream.header(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            client.set(HttpHeaders.CONTENT_TYPE, type);
        }
        String length = upstream.header(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            client.set(HttpHeaders.CONTENT_LENGTH, length);
        }
        if (type != null && type.startsWith("text/event-stream")) {
            client.set(HttpHeaders.CACHE_CONTROL, NO_CACHE);
            client.set(X_ACCEL_BUFFERING, NO);
        }
    }

    /** The values of the client's headers that go upstream as they are (what an upstream error may quote). */
    public static List<String> forwardedValues(MultiMap client) {
        return FROM_CLIENT.stream().map(client::get).filter(java.util.Objects::nonNull).toList();
    }

    /** The client's key as sent in {@code x-api-key}, or null. */
    public static String clientApiKey(MultiMap client) {
        return client.get(X_API_KEY);
    }
}
