package io.keyrelay.clients;

import java.time.Instant;

/** Where the instances share per-minute limits: a count of what was granted in each window, never above its limit. */
public interface WindowStore {

    /**
     * Grants up to {@code amount} more of {@code limit} in window {@code id} (which starts at {@code start} and counts
     * 0 when new), atomically across instances.
     *
     * @return what was granted, from 0 (the window is used up) to {@code amount}
     */
    long claim(String id, Instant start, long amount, long limit);

    /** Forgets windows that started before {@code before}. */
    void pruneBefore(Instant before);
}
