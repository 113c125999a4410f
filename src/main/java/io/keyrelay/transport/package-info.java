/**
 * How bytes reach the upstream: one HTTP/1.1 client per event loop with keep-alive pools, TLS and the timeouts of its
 * calls. The proxy sees only {@link io.keyrelay.transport.UpstreamTransport} and the small types it hands out; this
 * is the only package that touches Netty or Vert.x's internal API.
 */
package io.keyrelay.transport;
