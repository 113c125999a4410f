package io.keyrelay.keys;

import java.util.List;

/** Where state changes are recorded for operators. */
public interface EventLog {

    void append(KeyEvent event);

    /** Records many events (a bulk import's); a store that can writes them at once. */
    default void appendAll(List<KeyEvent> events) {
        events.forEach(this::append);
    }

    /** Newest first; {@code keyId} null for every key. */
    List<KeyEvent> page(String keyId, int offset, int limit);

    long count(String keyId);

    /** Deletes events older than {@code before}; returns how many. */
    long deleteBefore(java.time.Instant before);
}
