package io.keyrelay.admin;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The rule that makes cookie-authenticated writes safe from other sites (on top of SameSite=Strict): they must
 * carry the {@link AdminAuth#CSRF_HEADER} header, which a cross-site form cannot send and a cross-site script
 * cannot send without a CORS preflight that KeyRelay never approves; and when the browser says where the request
 * comes from ({@code Origin}, {@code Sec-Fetch-Site}), that must be this server.
 */
final class CrossSite {
    private CrossSite() {
    }

    /** Why the request is refused, or empty when it may proceed. */
    static Optional<String> problem(HttpServerRequest request) {
        String marker = request.getHeader(AdminAuth.CSRF_HEADER);
        if (marker == null || marker.isBlank()) {
            return Optional.of("Cross-site request refused: cookie-authenticated writes must send the "
                    + AdminAuth.CSRF_HEADER + " header");
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Optional.of("Cross-site request refused: Sec-Fetch-Site is " + site);
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameServer(origin, request)) {
            return Optional.of("Cross-site request refused: the Origin is not this server");
        }
        return Optional.empty();
    }

    private static boolean sameServer(String origin, HttpServerRequest request) {
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false; // includes "Origin: null" from sandboxed frames
        }
        int originPort = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return matches(uri.getHost(), originPort, request.authority())
                || matches(uri.getHost(), originPort, forwardedHost(request));
    }

    /** A Host without a port (e.g. behind a TLS-terminating proxy) is compared by name only. */
    private static boolean matches(String host, int port, HostAndPort authority) {
        return authority != null
                && host.toLowerCase(Locale.ROOT).equals(authority.host().toLowerCase(Locale.ROOT))
                && (authority.port() == -1 || authority.port() == port);
    }

    private static HostAndPort forwardedHost(HttpServerRequest request) {
        String forwarded = request.getHeader("X-Forwarded-Host");
        if (forwarded == null || forwarded.isBlank()) {
            return null;
        }
        return HostAndPort.parseAuthority(forwarded.split(",")[0].trim(), -1);
    }
}
