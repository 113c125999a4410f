package io.keyrelay.transport;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How an {@link UpstreamTransport} connects and keeps connections.
 *
 * @param https            whether any destination is HTTPS (TLS is then set up at start, not on a request)
 * @param caFile           certificate authorities trusted besides the JDK's, for HTTPS
 * @param connectTimeoutMs how long a connection (and its TLS handshake) may take
 * @param keepAliveMs      how long an idle connection is kept for reuse
 * @param maxIdlePerHost   idle connections kept per host at most
 * @param maxHeaderBytes   the largest answer head accepted
 */
public record TransportSettings(boolean https, Optional<Path> caFile, long connectTimeoutMs, long keepAliveMs,
                                int maxIdlePerHost, int maxHeaderBytes) {
}
