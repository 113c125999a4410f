package io.keyrelay.proxy;

import io.keyrelay.upstream.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One request to the upstream and its response, made by {@link UpstreamClient} on one event loop. The caller can
 * stop reading the body for a while ({@link #pause()}) and give up on the call ({@link #abort()}), which closes its
 * connection: over HTTP/1.1 that is the only way to tell the upstream to stop.
 */
final class UpstreamCall {
    final Endpoint endpoint;
    final UpstreamListener listener;
    private final HttpHeaders headers;
    private final ByteBuf body;
    private UpstreamConnection connection;
    private boolean done;
    private boolean paused;
    private boolean retriedOnFreshConnection;

    UpstreamCall(Endpoint endpoint, HttpHeaders headers, ByteBuf body, UpstreamListener listener) {
        this.endpoint = endpoint;
        this.headers = headers;
        this.body = body;
        this.listener = listener;
    }

    /** Stops reading the response body until {@link #resume()}; the upstream is held back by TCP. */
    void pause() {
        paused = true;
        if (connection != null) {
            connection.readBody(false);
        }
    }

    void resume() {
        paused = false;
        if (connection != null) {
            connection.readBody(true);
        }
    }

    /** Gives up on the call: its connection is closed and the listener hears nothing more. */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        UpstreamConnection c = connection;
        connection = null;
        if (c != null) {
            c.abandon(this);
        }
    }

    // ---- used by UpstreamClient and UpstreamConnection ----

    /** The request as Netty sends it; each attempt gets its own view of the body, released once written. */
    FullHttpRequest request() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, endpoint.path(),
                body.retainedDuplicate(), headers, EmptyHttpHeaders.INSTANCE);
    }

    void attach(UpstreamConnection c) {
        connection = c;
        if (paused) {
            c.readBody(false);
        }
    }

    /**
     * Whether a pooled connection that closed at once, before any answer, may be replaced by a fresh one for this
     * call: once only, because the upstream closing an idle keep-alive connection just as it is reused is a race,
     * not a fault.
     */
    boolean mayRetryOnFreshConnection() {
        if (retriedOnFreshConnection || done) {
            return false;
        }
        retriedOnFreshConnection = true;
        connection = null;
        return true;
    }

    void finished() {
        done = true;
        connection = null;
    }
}
