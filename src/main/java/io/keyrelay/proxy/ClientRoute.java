package io.keyrelay.proxy;

import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.EndpointKind;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The routes clients call (SPEC §2), one line each: method and path, the API format, the upstream URL it goes to,
 * and whether its answers count as usage. Every route goes through the pool, retries and failover alike.
 */
public enum ClientRoute {
    MESSAGES("POST", "/v1/messages", Dialect.ANTHROPIC, EndpointKind.MESSAGES, true),
    COUNT_TOKENS("POST", "/v1/messages/count_tokens", Dialect.ANTHROPIC, EndpointKind.BASE, false),
    CHAT_COMPLETIONS("POST", "/v1/chat/completions", Dialect.OPENAI, EndpointKind.COMPLETIONS, true),
    CHAT_COMPLETIONS_UNVERSIONED("POST", "/chat/completions", Dialect.OPENAI, EndpointKind.COMPLETIONS, true),
    RESPONSES("POST", "/v1/responses", Dialect.OPENAI, EndpointKind.BASE, true),
    EMBEDDINGS("POST", "/v1/embeddings", Dialect.OPENAI, EndpointKind.BASE, true),
    MODELS("GET", "/v1/models", null, EndpointKind.BASE, false),
    MODEL("GET", "/v1/models/{id}", null, EndpointKind.BASE, false);

    static final String MODEL_PREFIX = "/v1/models/";
    private static final Map<String, ClientRoute[]> BY_PATH = new HashMap<>();

    static {
        for (ClientRoute r : values()) {
            if (!r.pattern.equals(MODEL.pattern)) {
                BY_PATH.merge(r.pattern, new ClientRoute[] {r}, (a, b) -> concat(a, b));
            }
        }
    }

    private final HttpMethod method;
    private final String pattern;
    private final Dialect dialect;
    private final EndpointKind endpoint;
    private final boolean countsUsage;

    ClientRoute(String method, String pattern, Dialect dialect, EndpointKind endpoint, boolean countsUsage) {
        this.method = HttpMethod.valueOf(method);
        this.pattern = pattern;
        this.dialect = dialect;
        this.endpoint = endpoint;
        this.countsUsage = countsUsage;
    }

    /** How a request's path and method meet the table. */
    public sealed interface Match {
    }

    /** A route serves the request. */
    public record Found(ClientRoute route) implements Match {
    }

    /** A route has the path but another method. */
    public record WrongMethod(Set<HttpMethod> allowed, Dialect dialect) implements Match {
    }

    /** The route serving {@code req}, a route of its path with another method, or null: not a proxy path. */
    public static Match match(HttpServerRequest req) {
        String path = req.path();
        ClientRoute[] routes = BY_PATH.get(path);
        if (routes == null) {
            if (!path.startsWith(MODEL_PREFIX) || !isModelId(path, MODEL_PREFIX.length())) {
                return null;
            }
            routes = new ClientRoute[] {MODEL};
        }
        for (ClientRoute r : routes) {
            if (r.method == req.method()) {
                return r.found;
            }
        }
        Set<HttpMethod> allowed = new java.util.TreeSet<>(java.util.Comparator.comparing(HttpMethod::name));
        for (ClientRoute r : routes) {
            allowed.add(r.method);
        }
        return new WrongMethod(allowed, Dialect.forPath(path));
    }

    /**
     * A model id as the APIs spell them (letters, digits, {@code - _ . : @}), not {@code .} or {@code ..}: the id goes
     * upstream as a path segment, so nothing an upstream could read as another path (slashes, escapes) passes.
     */
    static boolean isModelId(String path, int from) {
        int length = path.length() - from;
        if (length == 0 || length > 256 || path.startsWith(".", from) && (length == 1 || length == 2 && path.charAt(from + 1) == '.')) {
            return false;
        }
        for (int i = from; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private final Found found = new Found(this);

    public String pattern() {
        return pattern;
    }

    public HttpMethod method() {
        return method;
    }

    boolean hasBody() {
        return method == HttpMethod.POST;
    }

    /** The request's format: the route's, or for the models list either, by whether Anthropic's header is sent. */
    public Dialect dialect(HttpServerRequest req) {
        if (dialect != null) {
            return dialect;
        }
        return req.getHeader("anthropic-version") != null ? Dialect.ANTHROPIC : Dialect.OPENAI;
    }

    EndpointKind endpoint() {
        return endpoint;
    }

    /** Whether its streams report usage only when asked to ({@code stream_options.include_usage}): OpenAI's chat. */
    boolean reportsUsageOnlyWhenAsked() {
        return endpoint == EndpointKind.COMPLETIONS;
    }

    /** Whether its answers' tokens and the request count as the keys' usage (counting tokens and listing models do not). */
    boolean countsUsage() {
        return countsUsage;
    }

    private static ClientRoute[] concat(ClientRoute[] a, ClientRoute[] b) {
        ClientRoute[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
