package io.keyrelay.proxy;

import io.keyrelay.keys.PoolKey;
import io.keyrelay.upstream.ErrorKind;
import io.keyrelay.upstream.ForwardedHeaders;
import io.keyrelay.upstream.Usage;
import io.keyrelay.upstream.UsageReader;
import io.keyrelay.upstream.UsageStripper;
import io.vertx.core.buffer.Buffer;
import io.keyrelay.transport.Chunk;
import io.keyrelay.transport.Deadlines;
import io.keyrelay.transport.ResponseHead;
import io.keyrelay.transport.UpstreamCall;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 2xx answer on its way to the client. Its head is committed with its first byte (until then, a failure leaves
 * the client untouched and the exchange may try another key); pieces are written as they came, without a copy,
 * and the upstream is paused while the client reads slowly; silence from the upstream longer than the stream idle
 * timeout counts as a failure; a failure after the first byte ends the answer with an error event (streams) or a
 * broken connection (JSON). Usage is counted once, however the answer ends.
 */
final class AnswerRelay {
    private static final Logger log = LoggerFactory.getLogger(AnswerRelay.class);

    private final ProxyContext ctx;
    private final ClientRequest request;
    private final HttpServerResponse resp;
    private final UpstreamCall call;
    private final ResponseHead head;
    private final PoolKey key;
    private final boolean streamAsked;
    private final UsageReader usage;
    private final UsageStripper stripper; // null unless usage the client did not ask for is to be taken out
    private final Consumer<Throwable> onStall;
    private Deadlines.Deadline idleTimer;
    private State state = State.BEFORE_FIRST_BYTE;

    /** Where the answer stands: its head is committed to the client with its first byte. */
    private enum State { BEFORE_FIRST_BYTE, RELAYING, OVER }

    AnswerRelay(ProxyContext ctx, ClientRequest request, UpstreamCall call, ResponseHead head, PoolKey key,
                boolean streamAsked, boolean stripUsage, Consumer<Throwable> onStall) {
        this.ctx = ctx;
        this.request = request;
        this.resp = request.http().response();
        this.call = call;
        this.head = head;
        this.key = key;
        this.streamAsked = streamAsked;
        this.usage = new UsageReader(streamAsked || isEventStream(head), ctx.usageScratch);
        this.stripper = stripUsage && isEventStream(head) ? new UsageStripper() : null;
        this.onStall = onStall;
        startIdleWatch();
    }

    /** A piece of the answer; owned by the relay from here on. */
    void content(Chunk content) {
        if (state == State.OVER) {
            content.release();
            return;
        }
        if (idleTimer != null) {
            idleTimer.restart();
        }
        try {
            commitHead();
            usage.feed(content);
        } catch (RuntimeException e) {
            content.release();
            throw e;
        }
        if (stripper != null) {
            resp.write(stripper.strip(content));
        } else {
            resp.write(content.buffer()).onComplete(written -> content.release());
        }
        if (resp.writeQueueFull()) {
            // the client reads slowly: pause the upstream, and do not count the pause as upstream silence
            call.pause();
            stopIdleWatch();
            resp.drainHandler(v -> {
                if (state != State.OVER) {
                    startIdleWatch();
                    call.resume();
                }
            });
        }
    }

    /** The answer is complete, {@code last} (may be null) its final piece. */
    void end(Chunk last) {
        if (state == State.OVER) {
            if (last != null) {
                last.release();
            }
            return;
        }
        stopIdleWatch();
        try {
            commitHead();
            state = State.OVER;
            if (last != null) {
                usage.feedLast(last);
            }
        } catch (RuntimeException e) {
            if (last != null) {
                last.release();
            }
            throw e;
        }
        countUsage(); // before the end, which may run the request's end handlers at once
        if (stripper != null) {
            Buffer rest = last == null ? Buffer.buffer() : stripper.strip(last);
            resp.end(rest.appendBuffer(stripper.finish()));
        } else if (last == null) {
            resp.end();
        } else {
            resp.end(last.buffer()).onComplete(written -> last.release());
        }
    }

    /**
     * The answer broke. Before its first byte reached the client nothing is lost and false is returned: the
     * exchange may try another key. After, the client is told the answer is incomplete.
     */
    boolean failed(Throwable cause) {
        stopIdleWatch();
        State was = state;
        state = State.OVER;
        if (was == State.OVER) {
            return true;
        }
        if (was == State.BEFORE_FIRST_BYTE) {
            return false; // nothing was relayed, so nothing is counted
        }
        countUsage();
        log.warn("key={} stream broke after the first byte: {}", key.id(), cause.toString());
        if (streamAsked || isEventStream(resp.headers().get(HttpHeaders.CONTENT_TYPE))) {
            resp.end(request.dialect().streamErrorEvent(ErrorKind.STREAM_INTERRUPTED,
                    "The upstream stream was interrupted; the answer is incomplete"));
        } else {
            resp.reset(); // a partial JSON body cannot be mended: close so the client sees the failure
        }
        return true;
    }

    /** The client left: what the upstream served (and billed) so far is still counted. */
    void clientGone() {
        stopIdleWatch();
        if (state != State.OVER) {
            state = State.OVER;
            countUsage();
        }
    }

    private void commitHead() {
        if (state != State.BEFORE_FIRST_BYTE) {
            return;
        }
        state = State.RELAYING;
        request.trace().firstByte();
        resp.setStatusCode(head.status());
        ForwardedHeaders.toClient(head, resp.headers());
        if (stripper != null) {
            resp.headers().remove(HttpHeaders.CONTENT_LENGTH); // the stream the client gets is shorter than upstream's
        }
        if (!resp.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            resp.setChunked(true);
        }
    }

    /**
     * Once, as the answer becomes over having relayed something (or with the client gone); not for routes whose
     * answers are not usage (counting tokens, listing models).
     */
    private void countUsage() {
        if (!request.route().countsUsage()) {
            return;
        }
        Usage counted = usage.finish();
        request.trace().usage(counted);
        long tokens = counted.total();
        Instant now = ctx.now();
        ctx.keyUsage.record(key.id(), tokens, now);
        ctx.clientKeys.recordRequest(request.clientKeyId(), now);
        ctx.clientKeys.recordTokens(request.clientKey(), tokens, now);
    }

    private void startIdleWatch() {
        idleTimer = ctx.deadlines.start(ctx.streamIdleTimeoutMs, () -> {
            idleTimer = null;
            if (state != State.OVER) {
                log.warn("upstream stream idle for {} ms; closing it", ctx.streamIdleTimeoutMs);
                call.abort();
                onStall.accept(new TimeoutException("the upstream stream was idle for " + ctx.streamIdleTimeoutMs + " ms"));
            }
        });
    }

    private void stopIdleWatch() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    private static boolean isEventStream(ResponseHead head) {
        return isEventStream(head.header(HttpHeaders.CONTENT_TYPE));
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.startsWith("text/event-stream");
    }
}
