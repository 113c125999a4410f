package io.keyrelay.upstream;

import io.keyrelay.transport.Destination;
import java.net.URI;

/** One upstream URL, parsed once. {@code failover} tells which log word it gets: primary or FAILOVER. */
public record Endpoint(URI uri, String host, int port, boolean ssl, String path, boolean failover) implements Destination {

    public static Endpoint of(URI uri, boolean failover) {
        boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        return new Endpoint(uri, uri.getHost(), port, ssl, path, failover);
    }

    @Override
    public String authority() {
        String a = uri.getRawAuthority();
        int at = a.lastIndexOf('@');
        return at < 0 ? a : a.substring(at + 1);
    }

    public String label() {
        return failover ? "FAILOVER" : "primary";
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
