package io.keyrelay.admin;

/** An answer other than success that a route decides on (404, 401, 403, 429…); its message is shown as is. */
final class AdminException extends RuntimeException {
    private final int status;

    AdminException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static AdminException keyNotFound() {
        return new AdminException(404, "Key not found");
    }

    int status() {
        return status;
    }
}
