package io.keyrelay.insight;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a page of the request log ended: the last entry's arrival and id. The next page holds what is older (at an
 * equal time, a lower id). Its text form is opaque to clients.
 */
public record RequestCursor(Instant at, String id) {

    public String text() {
        return at.toEpochMilli() + "_" + id;
    }

    /** Empty when {@code text} is not a cursor this log gave out. */
    public static Optional<RequestCursor> parse(String text) {
        int sep = text.indexOf('_');
        if (sep <= 0 || sep > 19 || sep == text.length() - 1 || text.length() > 64) {
            return Optional.empty();
        }
        String id = text.substring(sep + 1);
        if (!id.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RequestCursor(Instant.ofEpochMilli(Long.parseLong(text.substring(0, sep))), id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
