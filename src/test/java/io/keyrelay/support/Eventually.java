package io.keyrelay.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, failing after a generous deadline (never a timing assertion). */
public final class Eventually {
    private Eventually() {
    }

    public static void waitUntil(BooleanSupplier condition, String what) {
        waitUntil(condition, what, Duration.ofSeconds(20));
    }

    public static void waitUntil(BooleanSupplier condition, String what, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
