package io.keyrelay.admin;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last good answer of each admin read (by path and query), for a database outage: then the read answers what it
 * last saw, marked stale. Bounded by the total size of the answers kept; the least recently read go first.
 */
final class LastAnswers {
    /** An answer as it was read at {@code readAt}. */
    record Kept(String body, Instant readAt) {
    }

    private final long maxChars;
    private final Map<String, Kept> byTarget = new LinkedHashMap<>(16, 0.75f, true);
    private long chars;

    LastAnswers(long maxChars) {
        this.maxChars = maxChars;
    }

    synchronized void put(String target, JsonObject body, Instant readAt) {
        String encoded = body.encode();
        Kept old = byTarget.remove(target);
        if (old != null) {
            chars -= old.body().length();
        }
        if (encoded.length() > maxChars) {
            return;
        }
        byTarget.put(target, new Kept(encoded, readAt));
        chars += encoded.length();
        for (Iterator<Kept> it = byTarget.values().iterator(); chars > maxChars && it.hasNext(); ) {
            chars -= it.next().body().length();
            it.remove();
        }
    }

    synchronized Optional<Kept> get(String target) {
        return Optional.ofNullable(byTarget.get(target));
    }
}
