package io.keyrelay.keys;

/** The database could not be reached; the operation may succeed when it returns. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
