package io.keyrelay.keytest;

import io.keyrelay.transport.Chunk;
import io.keyrelay.transport.ResponseHead;
import io.keyrelay.transport.UpstreamCall;
import io.keyrelay.transport.UpstreamListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * One test request's answer as it arrives, on the event loop that sent it: the status and up to 16 KiB of the body.
 * Bounded in time as the proxy bounds a request: the head must come within the first-byte timeout, and the body may
 * pause no longer than the stream idle timeout; past either, the call is aborted and judged on what arrived.
 */
final class EndpointProbe implements UpstreamListener {
    private static final int MAX_BODY = 16 * 1024;

    /** What came back: a status and the start of the body, or the failure that left no status; {@code ms} taken. */
    record Outcome(Integer status, String body, Throwable failure, long ms) {
    }

    private final Vertx vertx;
    private final long firstByteTimeoutMs;
    private final long idleTimeoutMs;
    private final LongSupplier nanos;
    private final long startedNanos;
    private final Promise<Outcome> outcome = Promise.promise();
    private final Buffer body = Buffer.buffer();
    private UpstreamCall call;
    private Integer status;
    private long timer;

    EndpointProbe(Vertx vertx, long firstByteTimeoutMs, long idleTimeoutMs, LongSupplier nanos) {
        this.vertx = vertx;
        this.firstByteTimeoutMs = firstByteTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.nanos = nanos;
        this.startedNanos = nanos.getAsLong();
        this.timer = vertx.setTimer(firstByteTimeoutMs, t -> giveUp());
    }

    /** The call this probe listens to, to abort it on a timeout. */
    EndpointProbe watch(UpstreamCall call) {
        this.call = call;
        return this;
    }

    Future<Outcome> outcome() {
        return outcome.future();
    }

    @Override
    public void onHead(UpstreamCall call, ResponseHead head) {
        status = head.status();
        restartTimer();
    }

    @Override
    public void onChunk(UpstreamCall call, Chunk chunk) {
        chunk.appendUpTo(body, MAX_BODY);
        restartTimer();
    }

    @Override
    public void onEnd(UpstreamCall call, Chunk last) {
        if (last != null) {
            last.appendUpTo(body, MAX_BODY);
        }
        finish(null);
    }

    @Override
    public void onFailure(UpstreamCall call, Throwable cause) {
        finish(cause);
    }

    private void restartTimer() {
        vertx.cancelTimer(timer);
        timer = vertx.setTimer(idleTimeoutMs, t -> giveUp());
    }

    private void giveUp() {
        if (call != null) {
            call.abort();
        }
        finish(status == null ? new TimeoutException("No answer within " + firstByteTimeoutMs + " ms") : null);
    }

    /** Once: a failure after the head still leaves the status, judged on the body that arrived. */
    private void finish(Throwable failure) {
        vertx.cancelTimer(timer);
        long ms = (nanos.getAsLong() - startedNanos) / 1_000_000;
        outcome.tryComplete(new Outcome(status, body.toString(StandardCharsets.UTF_8), status == null ? failure : null, ms));
    }
}
