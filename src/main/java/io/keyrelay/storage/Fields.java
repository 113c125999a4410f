package io.keyrelay.storage;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import org.bson.Document;

/** Lenient reads of fields the original system may have written with other types. */
final class Fields {
    private Fields() {
    }

    static String string(Document d, String field) {
        Object v = d.get(field);
        return v == null ? null : v.toString();
    }

    static boolean bool(Document d, String field) {
        Object v = d.get(field);
        return v instanceof Boolean b ? b : v != null && "true".equalsIgnoreCase(v.toString());
    }

    static long number(Document d, String field) {
        Object v = d.get(field);
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    static Instant instant(Document d, String field) {
        Object v = d.get(field);
        if (v instanceof Date date) {
            return date.toInstant();
        }
        if (v instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        if (v instanceof String s && !s.isBlank()) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /** As a BSON date; instants beyond a date's range (e.g. {@code Instant.MAX} as "no bound") saturate. */
    static Date date(Instant instant) {
        if (instant == null) {
            return null;
        }
        try {
            return Date.from(instant);
        } catch (IllegalArgumentException e) {
            return new Date(instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
    }
}
