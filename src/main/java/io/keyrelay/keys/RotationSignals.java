package io.keyrelay.keys;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What requests waiting on rotations wait for: the end of the next rotation (any, here or seen elsewhere by a
 * reload), and the replacement of one key rotated here. Thread-safe; completions run the waiters' callbacks, which
 * hand themselves back to their event loops.
 */
final class RotationSignals {
    private static final CompletableFuture<Optional<PoolKey>> NONE = CompletableFuture.completedFuture(Optional.empty());

    private final AtomicReference<CompletableFuture<Void>> nextEnd = new AtomicReference<>(new CompletableFuture<>());
    private final Map<String, CompletableFuture<Optional<PoolKey>>> replacements = new ConcurrentHashMap<>();

    CompletableFuture<Void> nextEnd() {
        return nextEnd.get();
    }

    /** A rotation of {@code failedId} began (here, or elsewhere as a reload shows); its waiters so far stay. */
    void began(String failedId) {
        replacements.compute(failedId, (id, f) -> f == null || f.isDone() ? new CompletableFuture<>() : f);
    }

    /** A rotation of {@code failedId} ended with {@code replacement} (null: none), or some rotation ended ({@code null} id). */
    void ended(String failedId, PoolKey replacement) {
        if (failedId != null) {
            replacements.getOrDefault(failedId, NONE).complete(Optional.ofNullable(replacement));
        }
        nextEnd.getAndSet(new CompletableFuture<>()).complete(null);
    }

    /** The replacement of a key rotated here, once its rotation ends; empty when none came or none is known. */
    CompletableFuture<Optional<PoolKey>> replacementOf(String failedId) {
        return replacements.getOrDefault(failedId, NONE);
    }

    /** Forgets rotations that have ended (their waiters have their answer). */
    void forgetEnded() {
        replacements.values().removeIf(CompletableFuture::isDone);
    }
}
