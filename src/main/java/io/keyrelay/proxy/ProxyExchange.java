package io.keyrelay.proxy;

import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.FailureDecision;
import io.keyrelay.keys.KeyAction;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.upstream.ByteView;
import io.keyrelay.upstream.ClientRequestText;
import io.keyrelay.upstream.Dialect;
import io.keyrelay.upstream.Endpoint;
import io.keyrelay.upstream.ErrorKind;
import io.keyrelay.upstream.ForwardedHeaders;
import io.keyrelay.upstream.UpstreamErrors;
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
 * relayed as they arrive ({@link AnswerRelay}); a non-2xx answer is read and judged ({@link Refusal}). Runs
 * entirely on one event loop.
 */
final class ProxyExchange implements UpstreamListener {
    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);
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
    private final Runnable releaseBody;
    private Set<String> tried; // the keys (and endpoints) of earlier attempts, made on the first retry
    private boolean rotatedAKey; // one client request causes at most one rotation (SPEC §3)

    private int attempts;
    private long waitedForRotationMs;
    private LastFailure lastFailure = LastFailure.NONE;
    private Endpoint lastEndpoint;
    private boolean finished;
    private boolean clientGone;
    // the attempt under way
    private UpstreamCall upstream;
    private PoolKey attemptKey;
    private boolean attemptFailover;
    private long attemptStarted;
    private Deadlines.Deadline firstByteTimer;
    private boolean firstByteTimedOut;
    private AnswerRelay relay;   // its 2xx answer, once the head came
    private Refusal refusal;     // or its non-2xx answer

    ProxyExchange(ProxyContext ctx, HttpServerRequest req, Dialect dialect, Buffer body, boolean stream, String clientKeyId,
                  Runnable releaseBody) {
        this.ctx = ctx;
        this.req = req;
        this.resp = req.response();
        this.dialect = dialect;
        this.body = ((BufferInternal) body).getByteBuf();
        this.stream = stream;
        this.clientKeyId = clientKeyId;
        this.releaseBody = releaseBody;
    }

    void start() {
        resp.closeHandler(v -> onClientGone());
        resp.endHandler(v -> {
            releaseBody.run(); // runs when the answer ended or its connection closed, exactly once
            ctx.observer.requestEnded(req, lastEndpoint, clientKeyId);
        });
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
        Instant now = ctx.now();
        if (attemptKey != null) {
            if (tried == null) {
                tried = new HashSet<>();
            }
            tried.add(triedMark(attemptKey, attemptFailover));
        }
        Optional<PoolKey> picked = tried == null ? pool.pick()
                : pool.pick(k -> tried.contains(triedMark(k, k.usesFailoverEndpoint(now))));
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
        lastEndpoint = endpoint;
        attemptKey = key;
        attemptFailover = failover;
        relay = null;
        refusal = null;
        attemptStarted = ctx.observer.attemptStarted(endpoint, attempts);
        if (log.isInfoEnabled()) { // SPEC §1's line, concatenated: cheaper than a {} template on every request
            log.info("POST " + endpoint + " key=" + key.id() + " " + endpoint.label() + " stream=" + stream);
        }
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
                onAttemptFailed(new TimeoutException("no answer within " + ctx.firstByteTimeoutMs + " ms"));
            }
        });
        upstream = ctx.upstream.send(endpoint, headers, body, this);
    }

    // ---- the attempt's answer (UpstreamListener), on the event loop ----

    @Override
    public void onResponse(UpstreamCall call, HttpResponse head) {
        if (call != upstream) {
            return;
        }
        cancelFirstByteTimer();
        int status = head.status().code();
        ctx.observer.upstreamAnswered(call.endpoint, status, attemptStarted);
        if (status >= 200 && status < 300) {
            relay = new AnswerRelay(ctx, resp, call, head, attemptKey, dialect, stream, clientKeyId, cause -> {
                upstream = null;
                relayFailed(cause);
            });
        } else {
            refusal = new Refusal(attemptKey, head, ctx.deadlines, ctx.streamIdleTimeoutMs, () -> {
                log.warn("upstream error body idle for {} ms; closing it", ctx.streamIdleTimeoutMs);
                abortUpstream();
                judgeRefusal(); // on what arrived, so the attempt can be retried rather than hang
            });
        }
    }

    @Override
    public void onContent(UpstreamCall call, ByteBuf content) {
        if (call != upstream || clientGone) {
            content.release();
        } else if (refusal != null) {
            refusal.add(content);
        } else {
            relay.content(content);
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
        if (refusal != null) {
            if (last != null) {
                refusal.add(last);
            }
            judgeRefusal();
            return;
        }
        finished = true;
        relay.end(last);
    }

    @Override
    public void onFailure(UpstreamCall call, Throwable cause) {
        if (call != upstream) {
            return;
        }
        upstream = null;
        if (relay != null) {
            relayFailed(cause);
        } else if (refusal != null) {
            judgeRefusal(); // on what arrived
        } else {
            ctx.observer.upstreamAnswered(call.endpoint, 0, attemptStarted);
            onAttemptFailed(cause);
        }
    }

    // ---- outcomes ----

    /** A 2xx answer broke: before its first byte reached the client another key may still answer; after, not. */
    private void relayFailed(Throwable cause) {
        if (relay.failed(cause)) {
            finished = true;
        } else {
            relay = null; // nothing was relayed, so nothing is counted
            onAttemptFailed(cause);
        }
    }

    /** A non-2xx answer: its key's state changes; then either the client hears it, or the next key is tried. */
    private void judgeRefusal() {
        Refusal r = refusal;
        refusal = null;
        upstream = null;
        String text = r.text();
        FailureClass failure = recordRefusal(r, text);
        if (clientGone || finished) {
            return;
        }
        if (failure == FailureClass.CLIENT_ERROR) {
            passClientError(r, text);
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
     * Changes the refusing key's state, judged on as much of the answer's body as arrived; done even when the
     * client has left meanwhile, so the next request does not meet the same refusal.
     */
    private FailureClass recordRefusal(Refusal r, String text) {
        int status = r.status();
        FailureClass failure = ctx.services.classifier().classify(status, UpstreamErrors.report(text),
                new ClientRequestText(ByteView.of(body), ForwardedHeaders.forwardedValues(req.headers())));
        FailureDecision decision = ctx.services.lifecycle().onAnswer(r.key, failure, status,
                r.retryAfter(ctx.now()), rotatedAKey);
        rotatedAKey |= decision.action() == KeyAction.ROTATE;
        log.info("key={} answered {} ({}): {}{}", r.key.id(), status, failure, decision.action(),
                decision.retry() && !clientGone ? ", retrying" : "");
        return failure;
    }

    private void onAttemptFailed(Throwable cause) {
        cancelFirstByteTimer();
        if (clientGone || finished) {
            return;
        }
        String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        boolean timeout = firstByteTimedOut || cause instanceof TimeoutException
                || message.contains("timeout") || message.contains("timed out");
        lastFailure = timeout ? LastFailure.TIMEOUT : LastFailure.CONNECT;
        log.warn("key={} attempt {} failed before the first byte: {}", attemptKey.id(), attempts, cause.toString());
        ctx.services.lifecycle().onAnswer(attemptKey, FailureClass.TRANSIENT, null, Optional.empty());
        nextAttempt();
    }

    private void onClientGone() {
        if (finished) {
            return;
        }
        clientGone = true;
        finished = true;
        cancelFirstByteTimer();
        if (relay != null) {
            relay.clientGone(); // the upstream served (and billed) what was relayed so far
        }
        if (upstream != null) {
            log.info("client went away; cancelling its upstream request");
            // the client left: stop the upstream work it asked for (over HTTP/1.1 only closing the connection does)
            abortUpstream();
        }
        if (refusal != null) {
            Refusal r = refusal;
            refusal = null;
            recordRefusal(r, r.text()); // a refusal that was arriving still tells about its key
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

    // ---- answers of KeyRelay's own ----

    /** The upstream's answer about the request itself, cleaned of its identity and of both keys of the exchange. */
    private void passClientError(Refusal r, String upstreamBody) {
        finished = true;
        String message = UpstreamErrors.clientMessage(upstreamBody,
                java.util.Arrays.asList(r.key.apiKey(), ProxyHandler.presentedKey(req)));
        Responses.error(resp, dialect, r.status(), ErrorKind.forClientStatus(r.status()),
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
            case KEY_REFUSED, RATE_LIMITED, NONE -> noKeyAvailable(ctx.now());
            case TIMEOUT -> fail(ErrorKind.TIMEOUT, "The upstream did not answer in time");
            case UPSTREAM_5XX, CONNECT -> fail(ErrorKind.UPSTREAM_ERROR, "The upstream failed to answer; please retry");
        }
    }

    private void fail(ErrorKind kind, String message) {
        finished = true;
        Responses.error(resp, dialect, kind, message);
    }

    private static String triedMark(PoolKey key, boolean failover) {
        return key.id() + (failover ? "|F" : "|P");
    }
}
