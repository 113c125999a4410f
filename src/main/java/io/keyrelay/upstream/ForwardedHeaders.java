package io.keyrelay.upstream;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Which headers cross KeyRelay. Upstream gets the client's protocol headers and the chosen key's credentials, never
 * the client's credentials, cookies or hop-by-hop headers; the client gets the answer's content headers only.
 */
public final class ForwardedHeaders {
    private static final List<String> FROM_CLIENT = List.of("anthropic-version", "anthropic-beta", "content-type", "accept");

    private ForwardedHeaders() {
    }

    public static void toUpstream(MultiMap client, MultiMap upstream, String apiKey) {
        for (String name : FROM_CLIENT) {
            String v = client.get(name);
            if (v != null) {
                upstream.set(name, v);
            }
        }
        if (!upstream.contains("content-type")) {
            upstream.set("content-type", "application/json");
        }
        upstream.set("authorization", "Bearer " + apiKey);
        upstream.set("x-api-key", apiKey);
    }

    public static void toClient(MultiMap upstream, MultiMap client) {
        String type = upstream.get("content-type");
        if (type != null) {
            client.set("content-type", type);
        }
        String length = upstream.get("content-length");
        if (length != null) {
            client.set("content-length", length);
        }
        if (type != null && type.startsWith("text/event-stream")) {
            client.set("cache-control", "no-cache");
            client.set("x-accel-buffering", "no");
        }
    }
}
