package io.keyrelay.upstream;

import io.keyrelay.transport.Destination;
import java.net.URI;

/**
 * One upstream URL, parsed once: a whole route's URL, or a base URL that a route's own path is appended to
 * ({@code base}). {@code origin} is its scheme and authority, as log lines name the upstream; {@code failover} tells
 * which log word it gets: primary or FAILOVER.
 */
public record Endpoint(URI uri, String origin, String authority, String host, int port, boolean ssl, String path,
                       boolean base, boolean failover) implements Destination {

    /** A route's whole URL (its own query, if any, is kept). */
    public static Endpoint of(URI uri, boolean failover) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        return create(uri, path, false, failover);
    }

    /** A base URL: requests go to its path followed by their own. */
    public static Endpoint base(URI uri, boolean failover) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return create(uri, path.endsWith("/") ? path.substring(0, path.length() - 1) : path, true, failover);
    }

    private static Endpoint create(URI uri, String path, boolean base, boolean failover) {
        boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String authority = uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1);
        return new Endpoint(uri, (ssl ? "https://" : "http://") + authority, authority, uri.getHost(), port, ssl, path,
                base, failover);
    }

    /**
     * The request target for a client request to {@code requestPath} with {@code query} (null or empty: none): the
     * URL's path (a base URL's followed by the request's path), with the client's query added to any of its own.
     */
    public String target(String requestPath, String query) {
        String target = base ? path + requestPath : path;
        if (query == null || query.isEmpty()) {
            return target;
        }
        return target + (target.indexOf('?') >= 0 ? '&' : '?') + query;
    }

    public String label() {
        return failover ? "FAILOVER" : "primary";
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
