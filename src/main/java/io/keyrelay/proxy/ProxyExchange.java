package io.keyrelay.proxy;

import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.FailureDecision;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.Endpoint;
import io.keyrelay.upstream.ErrorKind;
import io.keyrelay.upstream.ForwardedHeaders;
import io.keyrelay.upstream.RetryAfter;
import io.keyrelay.upstream.UpstreamErrors;
import io.keyrelay.upstream.UsageReader;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the pool. Until the first byte reaches the client, an attempt that fails
 * in a retryable way (SPEC §3) is repeated on the next available key, up to the attempt cap; each failed attempt
 * first changes its key through the {@link io.keyrelay.keys.KeyLifecycle}. From the first byte on, bytes are
 * relayed as they arrive, with backpressure, and a broken or stalled stream ends with an error event.
 * Runs entirely on one event loop.
 */
final class ProxyExchange implements UpstreamListener {
    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final long ROTATION_WAIT_MS = 25;
    private static final long MAX_ROTATION_WAIT_MS = 3_000;

    /** Why the last attempt failed, to choose what the client is told when no attempt is left. */
    private enum LastFailure { NONE, KEY_REFUSED, RATE_LIMITED, UPSTREAM_5XX, CONNECT, TIMEOUT }

    private final ProxyContext ctx;
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final Dialect dialect;
    private final ByteBuf body;
    private final boolean stream;
    private final String clientKeyId;
    private final Set<String> tried = new HashSet<>();

    private int attempts;
    private long waitedForRotationMs;
    private LastFailure lastFailure = LastFailure.NONE;
    private UpstreamCall upstream;     // the attempt under way
    private PoolKey attemptKey;        // its key
    private long attemptStarted;
    private HttpResponse answerHead;   // its answer's head, once it came
    private Buffer errorBody;          // a non-2xx answer's body, while it arrives
    private Deadlines.Deadline errorBodyWatch;
    private Endpoint lastEndpoint;
    private boolean committed;
    private boolean finished;
    private boolean clientGone;
    private Deadlines.Deadline firstByteTimer;
    private Deadlines.Deadline idleTimer;
    private boolean firstByteTimedOut;
    private PoolKey relayedKey;        // the key whose 2xx answer is being relayed
    private UsageReader relayedUsage;  // its usage, counted once whatever ends the answer
    private boolean usageCounted;

    ProxyExchange(ProxyContext ctx, HttpServerRequest req, Dialect dialect, Buffer body, boolean stream, String clientKeyId) {
        this.ctx = ctx;
        this.req = req;
        this.resp = req.response();
        this.dialect = dialect;
        this.body = ((BufferInternal) body).getByteBuf();
        this.stream = stream;
        this.clientKeyId = clientKeyId;
    }

    void start() {
        resp.closeHandler(v -> onClientGone());
        resp.endHandler(v -> ctx.observer.requestEnded(req, lastEndpoint, clientKeyId));
        nextAttempt();
    }

    private void nextAttempt() {
        if (clientGone || finished) {
            return;
        }
        if (attempts >= ctx.maxAttempts) {
            giveUp();
            return;
        }
        KeyPool pool = ctx.services.pool();
        Instant now = ctx.services.clock().instant();
        Optional<PoolKey> picked = tried.isEmpty() ? pool.pick() : pool.pick(k -> tried.contains(triedMark(k, now)));
        if (picked.isEmpty()) {
            if (pool.rotationsInFlight() && waitedForRotationMs < MAX_ROTATION_WAIT_MS) {
                // a replacement key is on its way from the backup pool: wait for it rather than fail
                waitedForRotationMs += ROTATION_WAIT_MS;
                ctx.vertx.setTimer(ROTATION_WAIT_MS, t -> nextAttempt());
                return;
            }
            noKeyAvailable(now);
            return;
        }
        attempts++;
        send(picked.get(), now);
    }

    private void send(PoolKey key, Instant now) {
        boolean failover = key.usesFailoverEndpoint(now);
        Endpoint endpoint = ctx.endpoints.select(dialect, failover);
        tried.add(triedMark(key, now));
        lastEndpoint = endpoint;
        attemptKey = key;
        attemptStarted = ctx.observer.attemptStarted(endpoint, attempts);
        log.info("POST {} key={} {} stream={}", endpoint, key.id(), endpoint.label(), stream);
        HttpHeaders headers = new DefaultHttpHeaders(false);
        ForwardedHeaders.toUpstream(req.headers(), headers, key.apiKey());
        firstByteTimedOut = false;
        firstByteTimer = ctx.deadlines.start(ctx.firstByteTimeoutMs, () -> {
            firstByteTimer = null;
            firstByteTimedOut = true;
            UpstreamCall call = upstream;
            upstream = null;
            if (call != null) {
                call.abort();
                ctx.observer.upstreamAnswered(endpoint, 0, attemptStarted);
                onAttemptFailed(key, new TimeoutException("no answer within " + ctx.firstByteTimeoutMs + " ms"));
            }
        });
        upstream = ctx.upstream.send(endpoint, headers, body, this);
    }

    @Override
    public void onResponse(UpstreamCall call, HttpResponse head) {
        if (call != upstream) {
            return;
        }
        cancelFirstByteTimer();
        answerHead = head;
        int status = head.status().code();
        ctx.observer.upstreamAnswered(call.endpoint, status, attemptStarted);
        if (status >= 200 && status < 300) {
            relayedKey = attemptKey;
            relayedUsage = new UsageReader(stream || isEventStream(head));
            usageCounted = false;
            startIdleWatch();
        } else {
            errorBody = Buffer.buffer();
            errorBodyWatch = ctx.deadlines.start(ctx.streamIdleTimeoutMs, () -> {
                errorBodyWatch = null;
                log.warn("upstream error body idle for {} ms; closing it", ctx.streamIdleTimeoutMs);
                abortUpstream();
                judgeErrorAnswer(); // on what arrived, so the attempt can be retried rather than hang
            });
        }
    }

    @Override
    public void onContent(UpstreamCall call, ByteBuf content) {
        if (call != upstream || clientGone) {
            content.release();
            return;
        }
        if (errorBody != null) {
            collectErrorBody(content);
            return;
        }
        if (idleTimer != null) {
            idleTimer.restart();
        }
        try {
            if (!committed) {
                commitHead();
            }
            relayedUsage.feed(content);
        } catch (RuntimeException e) {
            content.release();
            throw e;
        }
        resp.write(BufferInternal.buffer(content)).onComplete(written -> content.release());
        if (resp.writeQueueFull()) {
            // the client reads slowly: pause the upstream, and do not count the pause as upstream silence
            call.pause();
            stopIdleWatch();
            resp.drainHandler(v -> {
                if (!finished && call == upstream) {
                    startIdleWatch();
                    call.resume();
                }
            });
        }
    }

    @Override
    public void onEnd(UpstreamCall call, ByteBuf last) {
        if (call != upstream || clientGone || finished) {
            if (last != null) {
                last.release();
            }
            return;
        }
        upstream = null;
        if (errorBody != null) {
            if (last != null) {
                collectErrorBody(last);
            }
            judgeErrorAnswer();
            return;
        }
        stopIdleWatch();
        finished = true;
        try {
            if (!committed) {
                commitHead();
            }
            if (last != null) {
                relayedUsage.feed(last);
            }
        } catch (RuntimeException e) {
            if (last != null) {
                last.release();
            }
            throw e;
        }
        if (last == null) {
            resp.end();
        } else {
            resp.end(BufferInternal.buffer(last)).onComplete(written -> last.release());
        }
        countUsageOnce();
    }

    @Override
    public void onFailure(UpstreamCall call, Throwable cause) {
        if (call != upstream) {
            return;
        }
        upstream = null;
        if (answerHead == null) {
            ctx.observer.upstreamAnswered(call.endpoint, 0, attemptStarted);
            onAttemptFailed(attemptKey, cause);
        } else if (errorBody != null) {
            judgeErrorAnswer(); // on what arrived
        } else {
            relayFailed(cause);
        }
    }

    /** A 2xx answer broke: before its first byte reached the client another key may still answer; after, not. */
    private void relayFailed(Throwable cause) {
        stopIdleWatch();
        if (!committed) {
            relayedKey = null; // nothing was relayed, so nothing is counted
            answerHead = null;
            onAttemptFailed(attemptKey, cause);
        } else {
            brokenStream(attemptKey, cause);
        }
    }

    private void collectErrorBody(ByteBuf content) {
        if (errorBodyWatch != null) {
            errorBodyWatch.restart();
        }
        int room = MAX_ERROR_BODY - errorBody.length();
        if (room > 0) {
            byte[] bytes = new byte[Math.min(room, content.readableBytes())];
            content.getBytes(content.readerIndex(), bytes);
            errorBody.appendBytes(bytes);
        }
        content.release();
    }

    /** A non-2xx answer: its key's state changes; then either the client hears it, or the next key is tried. */
    private void judgeErrorAnswer() {
        HttpResponse head = answerHead;
        String text = errorBody.toString(java.nio.charset.StandardCharsets.UTF_8);
        FailureClass failure = recordErrorAnswer();
        if (clientGone || finished) {
            return;
        }
        if (failure == FailureClass.CLIENT_ERROR) {
            passClientError(head.status().code(), text);
            return;
        }
        lastFailure = switch (failure) {
            case RATE_LIMIT -> LastFailure.RATE_LIMITED;
            case TRANSIENT -> LastFailure.UPSTREAM_5XX;
            default -> LastFailure.KEY_REFUSED;
        };
        nextAttempt();
    }

    /**
     * Changes the answering key's state for a non-2xx answer, judged on as much of its body as arrived; done even
     * when the client has left meanwhile, so the next request does not meet the same refusal.
     */
    private FailureClass recordErrorAnswer() {
        if (errorBodyWatch != null) {
            errorBodyWatch.cancel();
            errorBodyWatch = null;
        }
        HttpResponse head = answerHead;
        String text = errorBody.toString(java.nio.charset.StandardCharsets.UTF_8);
        errorBody = null;
        answerHead = null;
        upstream = null;
        PoolKey key = attemptKey;
        int status = head.status().code();
        FailureClass failure = ctx.services.classifier().classify(status, text);
        Optional<Duration> retryAfter = RetryAfter.parse(head.headers().get(HttpHeaderNames.RETRY_AFTER),
                ctx.services.clock().instant());
        FailureDecision decision = ctx.services.lifecycle().onAnswer(key, failure, status, retryAfter);
        log.info("key={} answered {} ({}): {}{}", key.id(), status, failure, decision.action(),
                decision.retry() && !clientGone ? ", retrying" : "");
        return failure;
    }

    private void onAttemptFailed(PoolKey key, Throwable cause) {
        cancelFirstByteTimer();
        if (clientGone || finished) {
            return;
        }
        String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        boolean timeout = firstByteTimedOut || cause instanceof TimeoutException
                || message.contains("timeout") || message.contains("timed out");
        lastFailure = timeout ? LastFailure.TIMEOUT : LastFailure.CONNECT;
        log.warn("key={} attempt {} failed before the first byte: {}", key.id(), attempts, cause.toString());
        ctx.services.lifecycle().onAnswer(key, FailureClass.TRANSIENT, null, Optional.empty());
        nextAttempt();
    }

    private void commitHead() {
        committed = true;
        resp.setStatusCode(answerHead.status().code());
        ForwardedHeaders.toClient(answerHead.headers(), resp.headers());
        if (!resp.headers().contains(io.vertx.core.http.HttpHeaders.CONTENT_LENGTH)) {
            resp.setChunked(true);
        }
    }

    private void brokenStream(PoolKey key, Throwable err) {
        if (finished) {
            return;
        }
        finished = true;
        countUsageOnce();
        log.warn("key={} stream broke after the first byte: {}", key.id(), err.toString());
        String type = resp.headers().get(io.vertx.core.http.HttpHeaders.CONTENT_TYPE);
        if (stream || type != null && type.startsWith("text/event-stream")) {
            resp.end(dialect.streamErrorEvent(io.keyrelay.upstream.ErrorKind.STREAM_INTERRUPTED,
                    "The upstream stream was interrupted; the answer is incomplete"));
        } else {
            resp.reset(); // a partial JSON body cannot be mended: close so the client sees the failure
        }
    }

    private void startIdleWatch() {
        idleTimer = ctx.deadlines.start(ctx.streamIdleTimeoutMs, () -> {
            idleTimer = null;
            log.warn("upstream stream idle for {} ms; closing it", ctx.streamIdleTimeoutMs);
            if (upstream != null) {
                abortUpstream();
                relayFailed(new TimeoutException("the upstream stream was idle for " + ctx.streamIdleTimeoutMs + " ms"));
            }
        });
    }

    private void stopIdleWatch() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    private void cancelFirstByteTimer() {
        if (firstByteTimer != null) {
            firstByteTimer.cancel();
            firstByteTimer = null;
        }
    }

    private void abortUpstream() {
        UpstreamCall call = upstream;
        upstream = null;
        if (call != null) {
            call.abort();
        }
    }

    private void onClientGone() {
        if (finished) {
            return;
        }
        clientGone = true;
        finished = true;
        cancelFirstByteTimer();
        stopIdleWatch();
        countUsageOnce(); // the upstream served (and billed) what was relayed so far
        if (upstream != null) {
            log.info("client went away; cancelling its upstream request");
            // the client left: stop the upstream work it asked for (over HTTP/1.1 only closing the connection does)
            abortUpstream();
        }
        if (errorBody != null) {
            recordErrorAnswer(); // a refusal that was arriving still tells about its key
        }
    }

    /** Counts the relayed answer's request and tokens, once, however the answer ends. */
    private void countUsageOnce() {
        if (relayedKey == null || usageCounted) {
            return;
        }
        usageCounted = true;
        long tokens = relayedUsage.finish().total();
        Instant now = ctx.services.clock().instant();
        ctx.services.keyUsage().record(relayedKey.id(), tokens, now);
        ctx.services.clientKeys().recordRequest(clientKeyId);
        ctx.services.clientKeys().recordTokens(clientKeyId, tokens);
    }

    private void passClientError(int status, String upstreamBody) {
        finished = true;
        String message = UpstreamErrors.clientMessage(upstreamBody);
        Responses.error(resp, dialect, status, ErrorKind.forClientStatus(status),
                message != null ? message : "The request was rejected as invalid");
    }

    private void noKeyAvailable(Instant now) {
        finished = true;
        long seconds = ctx.services.pool().soonestRecovery()
                .map(at -> Math.max(1, (Duration.between(now, at).toMillis() + 999) / 1000))
                .orElse(60L);
        resp.putHeader(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
        Responses.error(resp, dialect, ErrorKind.NO_KEY_AVAILABLE,
                "No upstream key is available right now; retry after " + seconds + " s");
    }

    private void giveUp() {
        switch (lastFailure) {
            case KEY_REFUSED, RATE_LIMITED, NONE -> noKeyAvailable(ctx.services.clock().instant());
            case TIMEOUT -> fail(ErrorKind.TIMEOUT, "The upstream did not answer in time");
            case UPSTREAM_5XX, CONNECT -> fail(ErrorKind.UPSTREAM_ERROR, "The upstream failed to answer; please retry");
        }
    }

    private void fail(ErrorKind kind, String message) {
        finished = true;
        Responses.error(resp, dialect, kind, message);
    }

    private static boolean isEventStream(HttpResponse head) {
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.startsWith("text/event-stream");
    }
    private static String triedMark(PoolKey key, Instant now) {
        return key.id() + (key.usesFailoverEndpoint(now) ? "|F" : "|P");
    }
}
