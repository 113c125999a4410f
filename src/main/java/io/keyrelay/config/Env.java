package io.keyrelay.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed, validated reads of {@code KEYRELAY_*} variables; every error names the variable and the expected form. */
final class Env {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private final Map<String, String> values;

    Env(Map<String, String> values) {
        this.values = values;
    }

    String string(String name, String fallback) {
        String v = values.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    String optional(String name) {
        return string(name, null);
    }

    int integer(String name, int fallback, int min, int max) {
        String v = optional(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw invalid(name, v, "a whole number from " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(name, v, "a whole number from " + min + " to " + max);
        }
    }

    long bytes(String name, long fallback) {
        String v = optional(name);
        if (v == null) {
            return fallback;
        }
        Matcher m = Pattern.compile("(\\d+)\\s*(k|kb|kib|m|mb|mib|g|gb|gib)?").matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(name, v, "a size such as 1048576, 512k or 32m");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1);
        long scale = switch (unit) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        if (n <= 0) {
            throw invalid(name, v, "a positive size");
        }
        return n * scale;
    }

    Duration duration(String name, Duration fallback) {
        String v = optional(name);
        if (v == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(name, v, "a duration such as 500ms, 30s, 2m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) {
            throw invalid(name, v, "a duration greater than zero");
        }
        return d;
    }

    /** A URL, or null when the variable is unset. */
    URI optionalUrl(String name) {
        return optional(name) == null ? null : url(name, null);
    }

    /** A URL that paths are appended to: no query or fragment, which would end up before the path. */
    URI baseUrl(String name, String fallback) {
        URI uri = url(name, fallback);
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(name, uri.toString(), "an http:// or https:// URL without a query or fragment");
        }
        return uri;
    }

    URI url(String name, String fallback) {
        String v = string(name, fallback);
        try {
            URI uri = URI.create(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw invalid(name, v, "an http:// or https:// URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw invalid(name, v, "an http:// or https:// URL");
        }
    }

    List<String> list(String name, List<String> fallback) {
        String v = optional(name);
        if (v == null) {
            return fallback;
        }
        List<String> items = Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .toList();
        if (items.isEmpty()) {
            throw invalid(name, v, "a comma-separated list of words");
        }
        return items;
    }

    static ConfigException invalid(String name, String value, String expected) {
        return new ConfigException(name + "=" + quote(value) + " is invalid: expected " + expected);
    }

    private static String quote(String v) {
        return "\"" + (v.length() > 60 ? v.substring(0, 60) + "…" : v) + "\"";
    }
}
