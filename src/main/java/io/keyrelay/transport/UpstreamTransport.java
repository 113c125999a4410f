package io.keyrelay.transport;

import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * One event loop's way to the upstream: calls go out on that loop's own connections, and their answers come back on
 * it, so a stream's client and upstream connections share a thread and nothing is locked or handed between threads.
 * Create it on its event loop; use it only there.
 */
public final class UpstreamTransport {
    private final UpstreamClient client;

    private UpstreamTransport(UpstreamClient client) {
        this.client = client;
    }

    /** A transport on the event loop of the calling thread's Vert.x context. */
    public static UpstreamTransport onThisEventLoop(Vertx vertx, TransportSettings settings) {
        ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
        VertxInternal internal = (VertxInternal) vertx;
        SslContext tls = settings.https() ? UpstreamTls.context(settings.caFile()) : null;
        return new UpstreamTransport(new UpstreamClient(context.nettyEventLoop(),
                internal.transport().channelFactory(false), internal.nameResolver().nettyAddressResolverGroup(), tls,
                settings.connectTimeoutMs(), settings.keepAliveMs(), settings.maxIdlePerHost(), settings.maxHeaderBytes()));
    }

    /**
     * POSTs {@code body} (not taken: each attempt may send the same one again) with {@code headers} to
     * {@code target} ({@code path?query}) at {@code destination}; {@code listener} hears of the answer on this event
     * loop.
     */
    public UpstreamCall post(Destination destination, String target, RequestHeaders headers, Buffer body,
                             UpstreamListener listener) {
        return client.send(destination, UpstreamCall.POST, target, headers.headers, ((BufferInternal) body).getByteBuf(),
                listener);
    }

    /** A GET of {@code target} at {@code destination}, without a body; otherwise as {@link #post}. */
    public UpstreamCall get(Destination destination, String target, RequestHeaders headers, UpstreamListener listener) {
        return client.send(destination, UpstreamCall.GET, target, headers.headers, Unpooled.EMPTY_BUFFER, listener);
    }

    /** Idle connections, all hosts. */
    public int idleConnections() {
        return client.idleConnections();
    }

    /** Closes the idle connections; calls under way keep theirs until they end. */
    public void close() {
        client.close();
    }
}
