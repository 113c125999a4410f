package io.keyrelay.keys;

/** How a rotation ended. */
public sealed interface RotationOutcome {

    /** The failed key was replaced by {@code replacement}, made from {@code backup}. */
    record Rotated(PoolKey replacement, BackupKey backup) implements RotationOutcome {
    }

    /** No backup key was left; the failed key is now {@code exhaustedKey}. */
    record Exhausted(PoolKey exhaustedKey) implements RotationOutcome {
    }

    /** Another instance or request is rotating this key, or it is gone: nothing was done here. */
    record NotClaimed() implements RotationOutcome {
    }
}
