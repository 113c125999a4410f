package io.keyrelay.proxy;

import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.FailureDecision;
import io.keyrelay.keys.KeyAction;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.transport.ByteView;
import io.keyrelay.transport.Chunk;
import io.keyrelay.transport.RequestHeaders;
import io.keyrelay.transport.ResponseHead;
import io.keyrelay.transport.UpstreamCall;
import io.keyrelay.transport.UpstreamListener;
import io.keyrelay.upstream.ClientRequestText;
import io.keyrelay.upstream.Endpoint;
import io.keyrelay.upstream.ForwardedHeaders;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the pool, through the phases of {@link ExchangePhase}. Until the first byte
 * reaches the client, an attempt that fails is judged by the {@link io.keyrelay.keys.KeyLifecycle}, which changes
 * its key and decides whether another key may serve the request; then the next available key is tried, up to the
 * attempt cap. A 2xx answer is relayed as it arrives ({@link AnswerRelay}); a non-2xx one is read and judged
 * ({@link Refusal}). Runs entirely on one event loop.
 */
final class ProxyExchange implements UpstreamListener {
    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    private final ProxyContext ctx;
    private final ClientRequest request;
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final Buffer body;
    private final boolean stripUsage;
    private final Runnable releaseBody;
    private final KeyChoice keys;
    private ExchangePhase phase = ExchangePhase.WAITING_FOR_KEY;
    private int attempts;
    private boolean rotatedAKey; // one client request causes at most one rotation (SPEC §3)
    private LastFailure lastFailure = LastFailure.NONE;
    private Attempt attempt;     // the attempt under way, or the last one
    private AnswerRelay relay;   // while RELAYING
    private Refusal refusal;     // while READING_REFUSAL

    /**
     * @param stripUsage the body asks for usage the client did not ask for: the answer's stream is given to the client
     *                   without it
     */
    ProxyExchange(ProxyContext ctx, ClientRequest request, Buffer body, boolean stripUsage,
                  Runnable releaseBody) {
        this.ctx = ctx;
        this.request = request;
        this.req = request.http();
        this.resp = req.response();
        this.body = body;
        this.stripUsage = stripUsage;
        this.releaseBody = releaseBody;
        this.keys = new KeyChoice(ctx.pool, ctx.deadlines, ctx.loop);
    }

    void start() {
        resp.closeHandler(v -> onClientGone());
        resp.endHandler(v -> {
            releaseBody.run(); // runs when the answer ended or its connection closed, exactly once
            ctx.ended(request, attempt == null ? null : attempt.endpoint, true);
        });
        nextAttempt();
    }

    private void moveTo(ExchangePhase next) {
        phase = phase.check(next);
    }

    // ---- choosing a key and sending ----

    private void nextAttempt() {
        if (phase.over()) {
            return;
        }
        moveTo(ExchangePhase.WAITING_FOR_KEY);
        if (keys.triedThenAwaitReplacement(attempt, this::nextAttempt)) {
            return;
        }
        if (attempts >= ctx.maxAttempts && !keys.replacementBeyondTheCap()) {
            giveUp(lastFailure);
            return;
        }
        Instant now = ctx.now();
        Optional<PoolKey> picked = keys.next(now);
        if (picked.isPresent()) {
            send(picked.get(), now);
        } else if (!keys.waitForRotation(this::nextAttempt, this::noKeyAvailable)) {
            noKeyAvailable(); // a replacement key on its way from the backup pool is waited for instead
        }
    }

    private void send(PoolKey key, Instant now) {
        moveTo(ExchangePhase.AWAITING_HEAD);
        attempts++;
        ClientRoute route = request.route();
        Endpoint endpoint = ctx.endpoints.select(route.endpoint(), key.usesFailoverEndpoint(now));
        String target = endpoint.target(req.path(), req.query());
        Attempt a = new Attempt(key, endpoint, attempts, ctx.observer.attemptStarted(endpoint, attempts));
        attempt = a;
        a.logSent(route, target, request.trace().stream());
        RequestHeaders headers = new RequestHeaders();
        ForwardedHeaders.toUpstream(req.headers(), headers, key.apiKey(), route.hasBody());
        a.firstByteTimer = ctx.deadlines.start(ctx.firstByteTimeoutMs, () -> {
            a.firstByteTimer = null;
            if (attempt == a && a.call != null && phase == ExchangePhase.AWAITING_HEAD) {
                a.abort();
                answered(a, 0);
                attemptFailed(new TimeoutException("no answer within " + ctx.firstByteTimeoutMs + " ms"));
            }
        });
        a.call = route.hasBody() ? ctx.upstream.post(endpoint, target, headers, body, this)
                : ctx.upstream.get(endpoint, target, headers, this);
    }

    // ---- the attempt's answer (UpstreamListener), on the event loop ----

    private boolean current(UpstreamCall call) {
        return attempt != null && attempt.owns(call) && !phase.over();
    }

    @Override
    public void onHead(UpstreamCall call, ResponseHead head) {
        if (!current(call)) {
            return;
        }
        Attempt a = attempt;
        a.cancelFirstByteTimer();
        int status = head.status();
        answered(a, status);
        if (status >= 200 && status < 300) {
            ctx.pool.breakers().answered(a.key.id(), a.endpoint.failover());
            moveTo(ExchangePhase.RELAYING);
            relay = new AnswerRelay(ctx, request, call, head, a.key, request.trace().stream(), stripUsage, cause -> {
                a.callEnded();
                relayFailed(cause);
            });
        } else {
            moveTo(ExchangePhase.READING_REFUSAL);
            refusal = new Refusal(a.key, head, ctx.deadlines, ctx.streamIdleTimeoutMs, () -> {
                log.warn("upstream error body idle for {} ms; closing it", ctx.streamIdleTimeoutMs);
                a.abort();
                judgeRefusal(); // on what arrived, so the attempt can be retried rather than hang
            });
        }
    }

    @Override
    public void onChunk(UpstreamCall call, Chunk chunk) {
        if (!current(call)) {
            chunk.release();
        } else if (phase == ExchangePhase.READING_REFUSAL) {
            refusal.add(chunk);
        } else {
            relay.content(chunk);
        }
    }

    @Override
    public void onEnd(UpstreamCall call, Chunk last) {
        if (!current(call)) {
            if (last != null) {
                last.release();
            }
            return;
        }
        attempt.callEnded();
        if (phase == ExchangePhase.READING_REFUSAL) {
            if (last != null) {
                refusal.add(last);
            }
            judgeRefusal();
            return;
        }
        moveTo(ExchangePhase.FINISHED);
        relay.end(last);
    }

    @Override
    public void onFailure(UpstreamCall call, Throwable cause) {
        if (!current(call)) {
            return;
        }
        attempt.callEnded();
        switch (phase) {
            case RELAYING -> relayFailed(cause);
            case READING_REFUSAL -> judgeRefusal(); // on what arrived
            default -> {
                answered(attempt, 0);
                attemptFailed(cause);
            }
        }
    }

    /** The attempt's head arrived with {@code status}, or it failed before one (0): metrics and the log see it. */
    private void answered(Attempt a, int status) {
        ctx.observer.upstreamAnswered(a.endpoint, status, a.startedNanos);
        request.trace().attemptAnswered(a, status);
    }

    // ---- outcomes ----

    /** A 2xx answer broke: before its first byte reached the client another key may still answer; after, not. */
    private void relayFailed(Throwable cause) {
        if (relay.failed(cause)) {
            moveTo(ExchangePhase.FINISHED);
        } else {
            relay = null; // nothing was relayed, so nothing is counted
            attemptFailed(cause);
        }
    }

    /** A non-2xx answer: its key's state changes; then the client hears it, or the next key is tried. */
    private void judgeRefusal() {
        Refusal r = refusal;
        refusal = null;
        attempt.callEnded();
        FailureDecision decision = recordRefusal(r);
        if (phase.over()) {
            return;
        }
        if (!decision.retry()) {
            moveTo(ExchangePhase.FINISHED);
            r.passTo(request);
            return;
        }
        lastFailure = LastFailure.of(decision.failureClass());
        nextAttempt();
    }

    /** Judges a refusal and changes its key; done even when the client has left, so the next request is spared it. */
    private FailureDecision recordRefusal(Refusal r) {
        ClientRequestText sent = new ClientRequestText(ByteView.of(body), ForwardedHeaders.forwardedText(req.headers(), req.path(), req.query()));
        FailureDecision decision = r.judge(ctx, sent, rotatedAKey);
        rotatedAKey |= decision.action() == KeyAction.ROTATE;
        keys.judged(r.key, decision);
        return decision;
    }

    /** The attempt failed before its answer's head: no connection, a broken one, or no answer in time. */
    private void attemptFailed(Throwable cause) {
        attempt.cancelFirstByteTimer();
        if (phase.over()) {
            return;
        }
        lastFailure = LastFailure.of(cause);
        log.warn("key={} attempt {} failed before the first byte: {}", attempt.key.id(), attempt.number, cause.toString());
        FailureDecision decision = ctx.lifecycle.onAnswer(attempt.key, FailureClass.TRANSIENT, null, Optional.empty(),
                rotatedAKey);
        if (decision.retry()) {
            nextAttempt();
        } else {
            giveUp(lastFailure);
        }
    }

    private void onClientGone() {
        if (phase.over()) {
            return;
        }
        moveTo(ExchangePhase.CLIENT_GONE);
        keys.stopWaiting();
        if (relay != null) {
            relay.clientGone(); // the upstream served (and billed) what was relayed so far
        }
        if (attempt != null && attempt.call != null) {
            log.info("client went away; cancelling its upstream request");
        }
        if (attempt != null) {
            attempt.abort();
        }
        if (refusal != null) {
            Refusal r = refusal;
            refusal = null;
            recordRefusal(r); // a refusal that was arriving still tells about its key
        }
    }

    // ---- answers of KeyRelay's own ----

    private void noKeyAvailable() {
        giveUp(LastFailure.NONE);
    }

    /** No attempt is left, or no key to make one with: the client hears why, in its own format. */
    private void giveUp(LastFailure why) {
        moveTo(ExchangePhase.FINISHED);
        Responses.afterLastAttempt(resp, request.dialect(), why, ctx.pool.soonestRecovery(), ctx.now());
    }
}
