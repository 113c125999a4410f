package io.keyrelay.insight;

import java.time.Instant;
import java.util.List;

/** Where the request log is kept. */
public interface RequestLogStore {

    /** Adds a batch served by {@code instance}. */
    void insert(List<RequestRecord> batch, String instance);

    RequestPage page(RequestQuery query);

    /** Deletes the entries that arrived before {@code before}. */
    void pruneBefore(Instant before);

    /** Deletes the oldest entries beyond the newest {@code maxEntries}, should there be more. */
    void keepNewest(long maxEntries);
}
