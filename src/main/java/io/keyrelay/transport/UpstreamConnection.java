package io.keyrelay.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * One keep-alive connection to an upstream host, carrying one {@link UpstreamCall} at a time (HTTP/1.1, no
 * pipelining). It is the last handler of its channel's pipeline and turns Netty's HTTP objects into the call's
 * listener events. When a response ends cleanly, the connection goes back to its {@link UpstreamClient}'s pool;
 * when anything goes wrong, or a call is abandoned mid-answer, it is closed.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
    /**
     * How soon after a request went out on a reused connection a close without any answer counts as the upstream
     * having closed that idle connection at the same moment (a race, retried on a fresh connection), rather than
     * as a failure of a request it may have begun to work on (an attempt that failed, SPEC §3).
     */
    private static final long STALE_WINDOW_NANOS = 1_000_000_000L;

    private final UpstreamClient client;
    final UpstreamClient.Route route;
    Channel channel;
    private UpstreamCall call;
    private HttpResponse head;
    private boolean answered; // any byte of the current call's answer arrived
    private int calls;
    long idleSince;
    boolean pooled;
    private boolean reusableAfterRead;
    private long sentAt;

    UpstreamConnection(UpstreamClient client, UpstreamClient.Route route) {
        this.client = client;
        this.route = route;
    }

    /** Sends the call's request on this (idle, open) connection. */
    void send(UpstreamCall c) {
        take(c);
        connected();
    }

    /** Takes the call while the connection is still being made; {@link #connected()} sends it. */
    void take(UpstreamCall c) {
        call = c;
        head = null;
        answered = false;
        calls++;
        pooled = false;
        c.attach(this);
    }

    void connected() {
        UpstreamCall c = call;
        if (c != null) {
            sentAt = System.nanoTime();
            c.writeTo(channel);
        }
    }

    /** The connection could not be made (refused, timed out, name not resolved). */
    void connectFailed(Throwable cause) {
        UpstreamCall c = call;
        call = null;
        if (c != null) {
            c.finished();
            c.listener.onFailure(c, cause);
        }
    }

    boolean reused() {
        return calls > 1;
    }

    void readBody(boolean read) {
        channel.config().setAutoRead(read);
    }

    /** The call gave up: whatever is under way on this connection cannot be finished, so it is closed. */
    void abandon(UpstreamCall c) {
        if (call == c) {
            call = null;
            channel.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamCall c = call;
        if (c == null) {
            // nothing was asked: bytes on an idle connection, after an answer's end, or the rest of an abandoned one
            ReferenceCountUtil.release(msg);
            reusableAfterRead = false;
            ctx.close();
            return;
        }
        answered = true;
        if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            fail(c, p.decoderResult().cause());
            return;
        }
        if (head == null && msg instanceof HttpContent && !(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg); // the end of a skipped 1xx head: the real answer follows
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
                    && response.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                ReferenceCountUtil.release(msg);
                return; // 100 Continue and the like: the real head follows
            }
            head = response;
            c.listener.onHead(c, new ResponseHead(response));
            if (call != c) {
                ReferenceCountUtil.release(msg); // aborted by the listener
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            ByteBuf bytes = content.content();
            if (!bytes.isReadable()) {
                bytes.release();
                bytes = null;
            }
            if (msg instanceof LastHttpContent) {
                complete(c, bytes);
            } else if (bytes != null) {
                c.listener.onChunk(c, new Chunk(bytes)); // the listener owns the bytes now
            }
        }
    }

    private void complete(UpstreamCall c, ByteBuf last) {
        call = null;
        c.finished();
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        boolean requestWritten = pending == null || pending.isEmpty();
        if (head != null && HttpUtil.isKeepAlive(head) && requestWritten && channel.isActive()) {
            channel.config().setAutoRead(true);
            reusableAfterRead = true; // pooled once this read is over, unless more bytes came after the answer
        } else {
            channel.close();
        }
        c.listener.onEnd(c, last == null ? null : new Chunk(last));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reusableAfterRead) {
            reusableAfterRead = false;
            if (call == null && channel.isActive()) {
                client.release(this);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamCall c = call;
        ctx.close();
        if (c != null) {
            fail(c, cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.forget(this);
        UpstreamCall c = call;
        if (c != null) {
            fail(c, new IOException("the upstream closed the connection"));
        }
    }

    private void fail(UpstreamCall c, Throwable cause) {
        call = null;
        channel.close();
        if (!answered && reused() && System.nanoTime() - sentAt < STALE_WINDOW_NANOS && c.mayRetryOnFreshConnection()) {
            client.connectAndSend(c); // a pooled connection the upstream had just closed: not the key's fault
            return;
        }
        c.finished();
        c.listener.onFailure(c, cause);
    }
}
