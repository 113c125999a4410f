package io.keyrelay.keys;

/**
 * Runs database work for state changes off the request path, one task at a time and in submission order.
 * A task that finds the database unavailable is retried until it succeeds, so no state change is lost.
 */
public interface StateWriter {

    void submit(String description, Runnable task);

    /** Runs tasks on the caller's thread; for tests and for work that already runs off the request path. */
    static StateWriter direct() {
        return (description, task) -> task.run();
    }
}
