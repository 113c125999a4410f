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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
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
final class ProxyExchange {
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
    private final Buffer body;
    private final boolean stream;
    private final String clientKeyId;
    private final Set<String> tried = new HashSet<>();

    private int attempts;
    private long waitedForRotationMs;
    private LastFailure lastFailure = LastFailure.NONE;
    private HttpClientRequest upstream;
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
        this.body = body;
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
        long started = ctx.observer.attemptStarted(endpoint, attempts);
        log.info("POST {} key={} {} stream={}", endpoint, key.id(), endpoint.label(), stream);
        ctx.client.request(endpoint.requestOptions().setConnectTimeout(ctx.connectTimeoutMs)).onComplete(ar -> {
            if (ar.failed()) {
                onAttemptFailed(key, ar.cause());
                return;
            }
            HttpClientRequest up = ar.result();
            if (clientGone) {
                up.reset();
                return;
            }
            upstream = up;
            ForwardedHeaders.toUpstream(req.headers(), up.headers(), key.apiKey());
            firstByteTimedOut = false;
            firstByteTimer = ctx.deadlines.start(ctx.firstByteTimeoutMs, () -> {
                firstByteTimedOut = true;
                up.connection().close();
            });
            up.send(body).onComplete(r -> {
                cancelFirstByteTimer();
                ctx.observer.upstreamAnswered(endpoint, r.succeeded() ? r.result().statusCode() : 0, started);
                if (r.failed()) {
                    onAttemptFailed(key, r.cause());
                } else {
                    onAnswer(key, r.result());
                }
            });
        });
    }

    private void onAnswer(PoolKey key, HttpClientResponse answer) {
        int status = answer.statusCode();
        if (status >= 200 && status < 300) {
            relay(key, answer);
            return;
        }
        readBounded(answer, body -> {
            String text = body.toString(java.nio.charset.StandardCharsets.UTF_8);
            FailureClass failure = ctx.services.classifier().classify(status, text);
            Optional<Duration> retryAfter = RetryAfter.parse(answer.getHeader(HttpHeaders.RETRY_AFTER), ctx.services.clock().instant());
            FailureDecision decision = ctx.services.lifecycle().onAnswer(key, failure, status, retryAfter);
            log.info("key={} answered {} ({}): {}{}", key.id(), status, failure, decision.action(),
                    decision.retry() ? ", retrying" : "");
            if (failure == FailureClass.CLIENT_ERROR) {
                passClientError(status, text);
                return;
            }
            lastFailure = switch (failure) {
                case RATE_LIMIT -> LastFailure.RATE_LIMITED;
                case TRANSIENT -> LastFailure.UPSTREAM_5XX;
                default -> LastFailure.KEY_REFUSED;
            };
            nextAttempt();
        });
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

    /** A 2xx: from its first byte on, the answer is the client's; nothing is retried after that. */
    private void relay(PoolKey key, HttpClientResponse answer) {
        UsageReader usage = new UsageReader(stream || isEventStream(answer));
        relayedKey = key;
        relayedUsage = usage;
        usageCounted = false;
        boolean[] abandoned = {false}; // this answer failed before its first byte and another attempt took over
        startIdleWatch(answer);
        answer.handler(chunk -> {
            if (clientGone || abandoned[0]) {
                return;
            }
            if (idleTimer != null) {
                idleTimer.restart();
            }
            if (!committed) {
                commitHead(answer);
            }
            usage.feed(chunk);
            resp.write(chunk);
            if (resp.writeQueueFull()) {
                // the client reads slowly: pause the upstream, and do not count the pause as upstream silence
                answer.pause();
                stopIdleWatch();
                resp.drainHandler(v -> {
                    if (!finished) {
                        startIdleWatch(answer);
                        answer.resume();
                    }
                });
            }
        });
        answer.endHandler(v -> {
            stopIdleWatch();
            if (clientGone || abandoned[0] || finished) {
                return;
            }
            if (!committed) {
                commitHead(answer);
            }
            finished = true;
            resp.end();
            countUsageOnce();
        });
        answer.exceptionHandler(err -> {
            stopIdleWatch();
            if (abandoned[0]) {
                return;
            }
            if (!committed) {
                abandoned[0] = true;
                onAttemptFailed(key, err); // nothing sent yet: another key may still answer
                return;
            }
            brokenStream(key, usage, err);
        });
    }

    private void commitHead(HttpClientResponse answer) {
        committed = true;
        resp.setStatusCode(answer.statusCode());
        ForwardedHeaders.toClient(answer.headers(), resp.headers());
        if (!resp.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            resp.setChunked(true);
        }
    }

    private void brokenStream(PoolKey key, UsageReader usage, Throwable err) {
        if (finished) {
            return;
        }
        finished = true;
        countUsageOnce();
        log.warn("key={} stream broke after the first byte: {}", key.id(), err.toString());
        if (stream || resp.headers().get(HttpHeaders.CONTENT_TYPE) != null
                && resp.headers().get(HttpHeaders.CONTENT_TYPE).startsWith("text/event-stream")) {
            resp.end(dialect.streamErrorEvent(io.keyrelay.upstream.ErrorKind.STREAM_INTERRUPTED,
                    "The upstream stream was interrupted; the answer is incomplete"));
        } else {
            resp.reset(); // a partial JSON body cannot be mended: close so the client sees the failure
        }
    }

    private void startIdleWatch(HttpClientResponse answer) {
        idleTimer = ctx.deadlines.start(ctx.streamIdleTimeoutMs, () -> {
            idleTimer = null;
            log.warn("upstream stream idle for {} ms; closing it", ctx.streamIdleTimeoutMs);
            answer.request().connection().close();
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
            upstream.connection().close();
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
        resp.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
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

    /**
     * Reads an error answer's body (up to 64 KiB). An upstream that stops sending it is closed after the stream
     * idle timeout, and the answer is judged on what arrived, so the attempt can be retried rather than hang.
     */
    private void readBounded(HttpClientResponse answer, io.vertx.core.Handler<Buffer> done) {
        Buffer collected = Buffer.buffer();
        boolean[] ended = {false};
        Deadlines.Deadline watch = ctx.deadlines.start(ctx.streamIdleTimeoutMs, () -> {
            log.warn("upstream error body idle for {} ms; closing it", ctx.streamIdleTimeoutMs);
            answer.request().connection().close();
        });
        answer.handler(chunk -> {
            watch.restart();
            if (collected.length() < MAX_ERROR_BODY) {
                collected.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_ERROR_BODY - collected.length()));
            }
        });
        answer.endHandler(v -> {
            watch.cancel();
            if (!ended[0]) {
                ended[0] = true;
                done.handle(collected);
            }
        });
        answer.exceptionHandler(err -> {
            watch.cancel();
            if (!ended[0]) {
                ended[0] = true;
                done.handle(collected);
            }
        });
    }

    private static boolean isEventStream(HttpClientResponse answer) {
        String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.startsWith("text/event-stream");
    }

    private static String triedMark(PoolKey key, Instant now) {
        return key.id() + (key.usesFailoverEndpoint(now) ? "|F" : "|P");
    }
}
