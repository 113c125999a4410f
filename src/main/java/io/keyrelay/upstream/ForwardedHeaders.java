package io.keyrelay.upstream;

import io.keyrelay.transport.RequestHeaders;
import io.keyrelay.transport.ResponseHead;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * Which headers cross KeyRelay. Upstream gets the client's protocol headers and the chosen key's credentials, never
 * the client's credentials, cookies or hop-by-hop headers; the client gets the answer's content headers and the
 * upstream's request id, nothing else of the upstream's.
 */
public final class ForwardedHeaders {
    private static final CharSequence ANTHROPIC_VERSION = HttpHeaders.createOptimized("anthropic-version");
    private static final CharSequence ANTHROPIC_BETA = HttpHeaders.createOptimized("anthropic-beta");
    private static final CharSequence X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    private static final CharSequence X_ACCEL_BUFFERING = HttpHeaders.createOptimized("x-accel-buffering");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");
    private static final CharSequence NO = HttpHeaders.createOptimized("no");
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("request-id");
    private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    private static final List<CharSequence> FROM_CLIENT = List.of(ANTHROPIC_VERSION, ANTHROPIC_BETA,
            HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT);

    private ForwardedHeaders() {
    }

    /** The request's headers; {@code withBody}: it carries a JSON body (a GET does not). */
    public static void toUpstream(MultiMap client, RequestHeaders upstream, String apiKey, boolean withBody) {
        for (CharSequence name : FROM_CLIENT) {
            String v = client.get(name);
            if (v != null) {
                upstream.set(name, v);
            }
        }
        if (withBody && !upstream.contains(HttpHeaders.CONTENT_TYPE)) {
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
        requestIds(upstream, client);
    }

    /** The upstream's request id ({@code request-id}, {@code x-request-id}), so a client can quote it to support. */
    public static void requestIds(ResponseHead upstream, MultiMap client) {
        String id = upstream.header(REQUEST_ID);
        if (id != null) {
            client.set(REQUEST_ID, id);
        }
        String xid = upstream.header(X_REQUEST_ID);
        if (xid != null) {
            client.set(X_REQUEST_ID, xid);
        }
    }

    /**
     * What of the client's request goes upstream besides its body, as text an upstream error may quote: the values
     * of the forwarded headers, the path and the query.
     */
    public static List<String> forwardedText(MultiMap client, String path, String query) {
        List<String> text = new java.util.ArrayList<>();
        for (CharSequence name : FROM_CLIENT) {
            String v = client.get(name);
            if (v != null) {
                text.add(v);
            }
        }
        text.add(path);
        if (query != null) {
            text.add(query);
            try {
                text.add(java.net.URLDecoder.decode(query, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException malformed) {
                // not decodable: the upstream can only quote it as it is
            }
        }
        return text;
    }

    /** The client's key as sent in {@code x-api-key}, or null. */
    public static String clientApiKey(MultiMap client) {
        return client.get(X_API_KEY);
    }
}
