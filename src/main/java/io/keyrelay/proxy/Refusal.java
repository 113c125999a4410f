package io.keyrelay.proxy;

import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.FailureDecision;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.RequestText;
import io.keyrelay.upstream.ErrorKind;
import io.keyrelay.upstream.ForwardedHeaders;
import io.keyrelay.upstream.UpstreamErrors;
import io.keyrelay.upstream.RetryAfter;
import io.keyrelay.transport.Chunk;
import io.keyrelay.transport.Deadlines;
import io.keyrelay.transport.ResponseHead;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-2xx answer of one attempt while its body arrives: up to 64 KiB of it is kept, for the classifier; an
 * upstream that stops sending it is given up on after the stream idle timeout ({@code onSilence}), and the answer
 * is judged on what arrived, so the attempt can be retried rather than hang.
 */
final class Refusal {
    private static final Logger log = LoggerFactory.getLogger(Refusal.class);
    private static final int MAX_BODY = 64 * 1024;

    final PoolKey key;
    private final ResponseHead head;
    private final Buffer body = Buffer.buffer();
    private Deadlines.Deadline watch;

    Refusal(PoolKey key, ResponseHead head, Deadlines deadlines, long idleTimeoutMs, Runnable onSilence) {
        this.key = key;
        this.head = head;
        this.watch = deadlines.start(idleTimeoutMs, () -> {
            watch = null;
            onSilence.run();
        });
    }

    int status() {
        return head.status();
    }

    /** A piece of the body, released here. */
    void add(Chunk content) {
        if (watch != null) {
            watch.restart();
        }
        content.appendUpTo(body, MAX_BODY);
    }

    /** What arrived of the body, as text; stops the watch. */
    String text() {
        stopWatch();
        return body.toString(StandardCharsets.UTF_8);
    }

    /**
     * What the refusal means for its key, judged on as much of its body as arrived, and carried out on the key:
     * classified with what the client sent (its words echoed back count for nothing), then decided and acted on
     * by the key lifecycle.
     */
    FailureDecision judge(ProxyContext ctx, RequestText sent, boolean requestRotatedAlready) {
        int status = status();
        FailureClass failure = ctx.classifier.classify(status, UpstreamErrors.report(text()), sent);
        FailureDecision decision = ctx.lifecycle.onAnswer(key, failure, status, retryAfter(ctx.now()), requestRotatedAlready);
        log.info("key={} answered {} ({}): {}", key.id(), status, failure, decision.action());
        return decision;
    }

    /**
     * Gives the client the upstream's answer about its request, with its status and request id, the message cleaned
     * of the upstream's identity and of both keys of the exchange.
     */
    void passTo(ClientRequest request) {
        String message = UpstreamErrors.clientMessage(text(),
                Arrays.asList(key.apiKey(), ProxyHandler.presentedKey(request.http())));
        ForwardedHeaders.requestIds(head, request.http().response().headers());
        Responses.error(request, status(), ErrorKind.forClientStatus(status()),
                message != null ? message : "The request was rejected as invalid");
    }

    Optional<Duration> retryAfter(Instant now) {
        return RetryAfter.parse(head.header(HttpHeaders.RETRY_AFTER), now);
    }

    void stopWatch() {
        if (watch != null) {
            watch.cancel();
            watch = null;
        }
    }
}
