package io.keyrelay.keys;

/** An operator action that the keys' current state does not allow (answered 409); the message is for people. */
public final class KeyConflictException extends RuntimeException {
    public KeyConflictException(String message) {
        super(message);
    }
}
