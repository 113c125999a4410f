package io.keyrelay.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads a {@code Retry-After} header: seconds, or an HTTP date. */
public final class RetryAfter {
    private RetryAfter() {
    }

    public static Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.trim();
        try {
            long seconds = (long) Math.ceil(Double.parseDouble(v));
            return seconds > 0 ? Optional.of(Duration.ofSeconds(Math.min(seconds, 86_400))) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() || d.isZero() ? Optional.empty() : Optional.of(d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
