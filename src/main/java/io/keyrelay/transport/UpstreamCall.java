package io.keyrelay.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;

/**
 * One request to the upstream and its response, made on one event loop. The caller can stop reading the body for a
 * while ({@link #pause()}) and give up on the call ({@link #abort()}), which closes its connection: over HTTP/1.1
 * that is the only way to tell the upstream to stop.
 */
public final class UpstreamCall {
    /** A body up to this size goes out in the same buffer as the head; a larger one follows it. */
    static final int INLINE_BODY_BYTES = 16 * 1024;
    static final byte[] POST = {'P', 'O', 'S', 'T', ' '};
    static final byte[] GET = {'G', 'E', 'T', ' '};
    private static final byte[] HTTP_1_1 = {' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON_SPACE = {':', ' '};

    private final Destination destination;
    private final byte[] method;
    private final String target;
    final UpstreamListener listener;
    private final HttpHeaders headers;
    private final ByteBuf body;
    private UpstreamConnection connection;
    private boolean done;
    private boolean paused;
    private boolean retriedOnFreshConnection;

    UpstreamCall(Destination destination, byte[] method, String target, HttpHeaders headers, ByteBuf body,
                 UpstreamListener listener) {
        this.destination = destination;
        this.method = method;
        this.target = target;
        this.headers = headers;
        this.body = body;
        this.listener = listener;
    }

    public Destination destination() {
        return destination;
    }

    /** Stops reading the response body until {@link #resume()}; the upstream is held back by TCP. */
    public void pause() {
        paused = true;
        if (connection != null) {
            connection.readBody(false);
        }
    }

    public void resume() {
        paused = false;
        if (connection != null) {
            connection.readBody(true);
        }
    }

    /** Gives up on the call: its connection is closed and the listener hears nothing more. */
    public void abort() {
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

    /**
     * Writes and flushes the request on the channel: the head encoded here, as Netty's encoder would (header values
     * as ISO-8859-1 bytes), with a small body in the same buffer so that it leaves in one send. A larger body follows
     * as its own view, released once written. A failed write reaches the channel's exceptionCaught.
     */
    void writeTo(Channel channel) {
        int bodyBytes = body.readableBytes();
        boolean inline = bodyBytes <= INLINE_BODY_BYTES;
        ByteBuf head = channel.alloc().directBuffer(headSizeEstimate() + (inline ? bodyBytes : 0));
        head.writeBytes(method);
        ByteBufUtil.writeAscii(head, target);
        head.writeBytes(HTTP_1_1);
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            ByteBufUtil.writeAscii(head, h.getKey());
            head.writeBytes(COLON_SPACE);
            ByteBufUtil.writeAscii(head, h.getValue());
            head.writeBytes(CRLF);
        }
        head.writeBytes(CRLF);
        if (inline) {
            head.writeBytes(body, body.readerIndex(), bodyBytes);
            channel.writeAndFlush(head, channel.voidPromise());
        } else {
            channel.write(head, channel.voidPromise());
            channel.writeAndFlush(body.retainedDuplicate(), channel.voidPromise());
        }
    }

    private int headSizeEstimate() {
        int n = method.length + target.length() + HTTP_1_1.length + CRLF.length;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            n += h.getKey().length() + h.getValue().length() + 4;
        }
        return n;
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
