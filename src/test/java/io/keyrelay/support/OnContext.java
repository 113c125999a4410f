package io.keyrelay.support;

import io.vertx.core.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Runs a piece of a test on a Vert.x context (an event loop) and waits for its result. */
public final class OnContext {
    private OnContext() {
    }

    /** What {@code work} returns when run on {@code context}; its exception is rethrown here. */
    public static <T> T call(Context context, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(work.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the work on the event loop did not finish", e);
        }
    }
}
