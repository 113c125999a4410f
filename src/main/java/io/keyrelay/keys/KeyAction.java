package io.keyrelay.keys;

/** What to do with a key after an upstream answer. */
public enum KeyAction {
    /** Leave the key as it is. */
    NONE,
    /** Count the request's usage. */
    COUNT_USAGE,
    /** Move the key to the failover endpoint. */
    MARK_USING_FAILOVER,
    /** Cool the key down, then bring it back. */
    MARK_RATE_LIMITED,
    /** Replace the key with one from the backup pool. */
    ROTATE,
    /** Rest the key for a while instead of rotating it: rotations are held back ({@link RotationBrake}). */
    COOL_DOWN
}
