package io.keyrelay.edge;

import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.Locale;

/**
 * The host names the admin API, the UI and the metrics answer to ({@code KEYRELAY_ALLOWED_HOSTS}): a page on another
 * site whose name an attacker points at KeyRelay's address (DNS rebinding) then gets a refusal instead of reaching
 * them with the browser's own network position. An entry is a name ({@code admin.example.com}, any port), a name
 * with a port, or {@code *.example.com} for any name below it. No entry: any host.
 */
public final class AllowedHosts {
    private final List<String> entries;

    public AllowedHosts(List<String> entries) {
        this.entries = entries.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
    }

    public boolean any() {
        return entries.isEmpty();
    }

    /** Whether a request naming {@code authority} as its host may be answered. */
    public boolean allows(HostAndPort authority) {
        if (entries.isEmpty()) {
            return true;
        }
        if (authority == null || authority.host() == null) {
            return false;
        }
        String host = authority.host().toLowerCase(Locale.ROOT);
        String withPort = authority.port() >= 0 ? host + ":" + authority.port() : host;
        for (String e : entries) {
            if (e.equals(host) || e.equals(withPort)
                    || e.startsWith("*.") && host.endsWith(e.substring(1)) && host.length() > e.length() - 1) {
                return true;
            }
        }
        return false;
    }
}
