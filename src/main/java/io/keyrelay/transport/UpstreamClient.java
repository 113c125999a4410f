package io.keyrelay.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.netty.util.NetUtil;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The proxy's HTTP/1.1 client for one event loop, written against Netty directly: a request goes out on an idle
 * keep-alive connection to its host when there is one (most recently used first) and on a new connection
 * otherwise; the answer's bytes reach the {@link UpstreamListener} as Netty read them (not copied), and go back to the pool once
 * the answer has ended. Everything runs on the event loop that serves the client, so nothing is locked, leased or
 * handed between threads. Idle connections are closed after the keep-alive time, and beyond {@code maxIdlePerHost}.
 * HTTPS verifies the upstream's certificate and host name; names are resolved without blocking.
 */
final class UpstreamClient {
    /** Where connections go: one pool per host, port and scheme. */
    record Route(String host, int port, boolean ssl) {
        static Route of(Destination e) {
            return new Route(e.host(), e.port(), e.ssl());
        }
    }

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final SslContext tls; // null when no endpoint is HTTPS
    private final long connectTimeoutMs;
    private final long keepAliveNanos;
    private final int maxIdlePerHost;
    private final int maxHeaderBytes;
    private final Map<Destination, ArrayDeque<UpstreamConnection>> byDestination = new IdentityHashMap<>();
    private final Map<Route, ArrayDeque<UpstreamConnection>> byRoute = new HashMap<>();
    private final ScheduledFuture<?> sweeper;

    UpstreamClient(EventLoop loop, ChannelFactory<? extends Channel> channels, AddressResolverGroup<InetSocketAddress> resolver,
                   SslContext tls, long connectTimeoutMs, long keepAliveMs,
                   int maxIdlePerHost, int maxHeaderBytes) {
        this.loop = loop;
        this.tls = tls;
        this.connectTimeoutMs = connectTimeoutMs;
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMs);
        this.maxIdlePerHost = maxIdlePerHost;
        this.maxHeaderBytes = maxHeaderBytes;
        this.bootstrap = new Bootstrap().group(loop).channelFactory(channels).resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
        long sweepMs = Math.max(100, Math.min(1_000, keepAliveMs / 4));
        this.sweeper = loop.scheduleAtFixedRate(this::closeExpired, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code body} (not released: each attempt sends its own view of it) with {@code headers}, to which
     * Host and Content-Length are added, to the destination. Call on this client's event loop; the listener hears back on it.
     */
    UpstreamCall send(Destination endpoint, byte[] method, String target, HttpHeaders headers, ByteBuf body,
                      UpstreamListener listener) {
        headers.set(HttpHeaderNames.HOST, endpoint.authority());
        if (method != UpstreamCall.GET) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        UpstreamCall call = new UpstreamCall(endpoint, method, target, headers, body, listener);
        UpstreamConnection idle = takeIdle(pool(endpoint));
        if (idle != null) {
            idle.send(call);
        } else {
            connectAndSend(call);
        }
        return call;
    }

    /** Idle connections, all hosts. */
    int idleConnections() {
        int n = 0;
        for (ArrayDeque<UpstreamConnection> q : byRoute.values()) {
            n += q.size();
        }
        return n;
    }

    /** Stops the expiry sweep and closes the idle connections; calls under way keep theirs until they end. */
    void close() {
        sweeper.cancel(false);
        for (ArrayDeque<UpstreamConnection> q : byRoute.values()) {
            UpstreamConnection c;
            while ((c = q.pollLast()) != null) {
                c.pooled = false;
                c.channel.close();
            }
        }
    }

    // ---- used by UpstreamConnection ----

    void connectAndSend(UpstreamCall call) {
        Destination endpoint = call.destination();
        UpstreamConnection connection = new UpstreamConnection(this, Route.of(endpoint));
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (endpoint.ssl()) {
                    p.addLast(tlsHandler(ch, endpoint));
                }
                // requests are encoded by UpstreamCall itself; only answers go through Netty's codec
                p.addLast(new HttpResponseDecoder(new HttpDecoderConfig().setMaxInitialLineLength(8192)
                        .setMaxHeaderSize(maxHeaderBytes).setMaxChunkSize(16 * 1024).setValidateHeaders(false)));
                p.addLast(connection);
            }
        });
        ChannelFuture connecting = b.connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
        connection.channel = connecting.channel();
        connection.take(call);
        connecting.addListener(f -> {
            // a socket that could not even be created fails at once, on another executor: come back to the loop
            Runnable outcome = f.isSuccess() ? connection::connected : () -> connection.connectFailed(f.cause());
            if (loop.inEventLoop()) {
                outcome.run();
            } else {
                loop.execute(outcome);
            }
        });
    }

    /** The answer ended cleanly: the connection waits for the next call to its host. */
    void release(UpstreamConnection c) {
        ArrayDeque<UpstreamConnection> q = byRoute.get(c.route);
        if (q == null || q.size() >= maxIdlePerHost) {
            c.channel.close();
            return;
        }
        c.idleSince = System.nanoTime();
        c.pooled = true;
        q.addLast(c);
    }

    /** The connection closed: if it was idle, it leaves the pool. */
    void forget(UpstreamConnection c) {
        if (c.pooled) {
            c.pooled = false;
            ArrayDeque<UpstreamConnection> q = byRoute.get(c.route);
            if (q != null) {
                q.removeLastOccurrence(c);
            }
        }
    }

    // ---- internals ----

    private ArrayDeque<UpstreamConnection> pool(Destination endpoint) {
        ArrayDeque<UpstreamConnection> q = byDestination.get(endpoint);
        if (q == null) {
            q = byRoute.computeIfAbsent(Route.of(endpoint), r -> new ArrayDeque<>());
            byDestination.put(endpoint, q);
        }
        return q;
    }

    private static UpstreamConnection takeIdle(ArrayDeque<UpstreamConnection> q) {
        UpstreamConnection c;
        while ((c = q.pollLast()) != null) {
            c.pooled = false;
            if (c.channel.isActive()) {
                return c;
            }
            c.channel.close();
        }
        return null;
    }

    private void closeExpired() {
        long now = System.nanoTime();
        for (ArrayDeque<UpstreamConnection> q : byRoute.values()) {
            Iterator<UpstreamConnection> it = q.iterator(); // oldest first
            while (it.hasNext()) {
                UpstreamConnection c = it.next();
                if (now - c.idleSince < keepAliveNanos) {
                    break;
                }
                it.remove();
                c.pooled = false;
                c.channel.close();
            }
        }
    }

    private SslHandler tlsHandler(Channel ch, Destination endpoint) {
        SslHandler handler = tls.newHandler(ch.alloc(), endpoint.host(), endpoint.port());
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        if (!NetUtil.isValidIpV4Address(endpoint.host()) && !NetUtil.isValidIpV6Address(endpoint.host())) {
            params.setServerNames(List.of(new SNIHostName(endpoint.host()))); // the JDK leaves out dotless names
        }
        engine.setSSLParameters(params);
        handler.setHandshakeTimeoutMillis(connectTimeoutMs);
        return handler;
    }
}
