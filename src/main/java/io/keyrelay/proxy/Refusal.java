package io.keyrelay.proxy;

import io.keyrelay.keys.PoolKey;
import io.keyrelay.upstream.RetryAfter;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A non-2xx answer of one attempt while its body arrives: up to 64 KiB of it is kept, for the classifier; an
 * upstream that stops sending it is given up on after the stream idle timeout ({@code onSilence}), and the answer
 * is judged on what arrived, so the attempt can be retried rather than hang.
 */
final class Refusal {
    private static final int MAX_BODY = 64 * 1024;

    final PoolKey key;
    private final HttpResponse head;
    private final Buffer body = Buffer.buffer();
    private Deadlines.Deadline watch;

    Refusal(PoolKey key, HttpResponse head, Deadlines deadlines, long idleTimeoutMs, Runnable onSilence) {
        this.key = key;
        this.head = head;
        this.watch = deadlines.start(idleTimeoutMs, () -> {
            watch = null;
            onSilence.run();
        });
    }

    int status() {
        return head.status().code();
    }

    /** A piece of the body, released here. */
    void add(ByteBuf content) {
        if (watch != null) {
            watch.restart();
        }
        int room = MAX_BODY - body.length();
        if (room > 0) {
            byte[] bytes = new byte[Math.min(room, content.readableBytes())];
            content.getBytes(content.readerIndex(), bytes);
            body.appendBytes(bytes);
        }
        content.release();
    }

    /** What arrived of the body, as text; stops the watch. */
    String text() {
        stopWatch();
        return body.toString(StandardCharsets.UTF_8);
    }

    Optional<Duration> retryAfter(Instant now) {
        return RetryAfter.parse(head.headers().get(HttpHeaderNames.RETRY_AFTER), now);
    }

    void stopWatch() {
        if (watch != null) {
            watch.cancel();
            watch = null;
        }
    }
}
