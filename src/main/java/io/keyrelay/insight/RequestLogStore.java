package io.keyrelay.insight;

import java.time.Instant;
import java.util.List;

/** Where the request log is kept. */
public interface RequestLogStore {

    /** Adds a batch served by {@code instance}. */
    void insert(List<RequestRecord> batch, String instance);

    RequestPage page(RequestQuery query);

    /**
     * Deletes entries that arrived before {@code before}, and the oldest beyond the newest {@code maxEntries}
     * (0: no such cap).
     */
    void prune(Instant before, long maxEntries);
}
