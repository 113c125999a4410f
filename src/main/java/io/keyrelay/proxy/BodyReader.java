package io.keyrelay.proxy;

import io.keyrelay.edge.BodyBudget;
import io.keyrelay.edge.BodyEncodings;
import io.keyrelay.upstream.ErrorKind;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.function.BiConsumer;

/**
 * Collects a request's body. A body that arrives in one chunk (the usual case) is kept as that chunk, not copied; a
 * larger one is gathered into one buffer, up to the size limit. Every byte is taken from the {@link BodyBudget} as it
 * arrives, and given back once ({@link #release()}) when the request is over. A compressed body is decoded off the
 * event loop, its decoded size bounded by the same limit and taken from the budget too.
 */
final class BodyReader implements Handler<Buffer> {
    private final ClientRequest request;
    private final long maxBytes;
    private final BodyBudget budget;
    private final BiConsumer<Buffer, Runnable> onBody;
    private Buffer first;
    private Buffer gathered;
    private long length;
    private long held;
    private boolean rejected;
    private boolean released;

    /** {@code onBody} gets the whole (decoded) body and the way to give it back to the budget. */
    BodyReader(ClientRequest request, long maxBytes, BodyBudget budget, BiConsumer<Buffer, Runnable> onBody) {
        this.request = request;
        this.maxBytes = maxBytes;
        this.budget = budget;
        this.onBody = onBody;
    }

    @Override
    public void handle(Buffer chunk) {
        if (rejected || isOver()) {
            return;
        }
        length += chunk.length();
        if (length > maxBytes) {
            reject();
            Responses.beforeBody(request, 413, ErrorKind.TOO_LARGE, "The request body is too large");
            return;
        }
        if (!take(chunk.length())) {
            return;
        }
        if (first == null) {
            first = chunk;
        } else {
            if (gathered == null) {
                gathered = Buffer.buffer((int) Math.min(maxBytes, Math.max(4096, 2 * length)));
                gathered.appendBuffer(first);
            }
            gathered.appendBuffer(chunk);
        }
    }

    void end() {
        if (rejected || isOver()) {
            return;
        }
        Buffer body = gathered != null ? gathered : first != null ? first : Buffer.buffer();
        String encoding = request.http().getHeader(HttpHeaders.CONTENT_ENCODING);
        if (!BodyEncodings.encoded(encoding)) {
            onBody.accept(body, this::release);
            return;
        }
        Vertx.currentContext().<Buffer>executeBlocking(() -> BodyEncodings.decode(body, encoding, maxBytes), false)
                .onComplete(decoded -> {
                    if (isOver()) {
                        return;
                    }
                    if (decoded.succeeded()) {
                        if (take(decoded.result().length())) {
                            onBody.accept(decoded.result(), this::release);
                        }
                    } else if (decoded.cause() instanceof BodyEncodings.TooLarge) {
                        Responses.error(request, 413, ErrorKind.TOO_LARGE, "The request body is too large once decoded");
                    } else {
                        Responses.error(request, 400, ErrorKind.INVALID_REQUEST, decoded.cause().getMessage());
                    }
                });
    }

    /** The answer is written or the client is gone (its bytes then went back to the budget already). */
    private boolean isOver() {
        return released || request.http().response().ended() || request.http().response().closed();
    }

    /** Takes bytes from the budget; when they do not fit, the request is refused (503) and false is returned. */
    private boolean take(long bytes) {
        if (budget.take(bytes)) {
            held += bytes;
            return true;
        }
        reject();
        Responses.bodyBudgetFull(request);
        return false;
    }

    private void reject() {
        rejected = true;
        first = null;
        gathered = null;
    }

    /** Gives the body's bytes back to the budget; once, however the request ends. */
    void release() {
        released = true;
        if (held > 0) {
            budget.giveBack(held);
            held = 0;
        }
    }
}
