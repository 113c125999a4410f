package io.keyrelay.keys;

/** A key with this id already exists. */
public final class DuplicateIdException extends RuntimeException {
    public DuplicateIdException(String id) {
        super("A key with id '" + id + "' already exists");
    }
}
