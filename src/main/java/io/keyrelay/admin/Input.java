package io.keyrelay.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict reading of a JSON object (a request body, or one item of a bulk import) or of a query string: types are
 * not coerced, unknown fields are rejected, every problem is collected, and {@link #check()} throws them all at
 * once as a 400. Messages never quote the value, which may be a key.
 */
final class Input {
    /** Ids travel in URL paths, so they keep to characters that need no escaping. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]+");
    static final int ID_MAX = 50;
    static final int API_KEY_MIN = 20;
    static final int API_KEY_MAX = 512;

    private final Map<String, Object> values;
    private final boolean fromQuery;
    private final String prefix;
    private final List<Issue> issues;
    /** Set when the value was not an object: its fields are then not reported one by one. */
    private final boolean notAnObject;

    private Input(Map<String, Object> values, boolean fromQuery, String prefix, List<Issue> issues, boolean notAnObject) {
        this.values = values;
        this.fromQuery = fromQuery;
        this.prefix = prefix;
        this.issues = issues;
        this.notAnObject = notAnObject;
    }

    /** The body, which must be one JSON object with no fields but {@code allowed}. */
    static Input body(RoutingContext ctx, String... allowed) {
        Buffer raw = ctx.body().buffer();
        if (raw == null || raw.length() == 0) {
            throw new InvalidInputException(List.of(new Issue("", "Expected a JSON object as the request body")));
        }
        return object(StrictJson.parse(raw), "", new ArrayList<>(), allowed);
    }

    /** For routes that take no input: the body must be absent or {@code {}}. */
    static void noBody(RoutingContext ctx) {
        Buffer raw = ctx.body().buffer();
        if (raw != null && raw.length() > 0) {
            body(ctx).check();
        }
    }

    /** One JSON value that must be an object; problems go to {@code issues}, paths start with {@code prefix}. */
    static Input object(Object value, String prefix, List<Issue> issues, String... allowed) {
        if (!(value instanceof JsonObject json)) {
            issues.add(new Issue(prefix, "Expected a JSON object"));
            return new Input(Map.of(), false, prefix, issues, true);
        }
        Set<String> known = Set.of(allowed);
        for (String field : json.fieldNames()) {
            if (!known.contains(field)) {
                issues.add(new Issue(path(prefix, field), "Unknown field"));
            }
        }
        return new Input(json.getMap(), false, prefix, issues, false);
    }

    /** The query string, which may hold each of {@code allowed} once and nothing else. */
    static Input query(RoutingContext ctx, String... allowed) {
        List<Issue> issues = new ArrayList<>();
        Set<String> known = Set.of(allowed);
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : ctx.queryParams().names()) {
            List<String> all = ctx.queryParams().getAll(name);
            if (!known.contains(name)) {
                issues.add(new Issue(name, "Unknown query parameter"));
            } else if (all.size() > 1) {
                issues.add(new Issue(name, "Given more than once"));
            } else {
                values.put(name, all.get(0));
            }
        }
        return new Input(values, true, "", issues, false);
    }

    boolean has(String field) {
        return values.containsKey(field);
    }

    /** Given, as JSON null. */
    boolean isNull(String field) {
        return has(field) && values.get(field) == null;
    }

    /** A required string of {@code min}–{@code max} characters, not blank, without surrounding spaces. */
    String text(String field, int min, int max) {
        Object v = values.get(field);
        if (!(v instanceof String s)) {
            return fail(field, v == null && !has(field) ? "Required" : "Expected a string");
        }
        if (s.length() < min || s.length() > max) {
            return fail(field, "Must be " + min + " to " + max + " characters long");
        }
        if (s.isBlank() || !s.strip().equals(s)) {
            return fail(field, "Must not be blank or start or end with spaces");
        }
        if (s.chars().anyMatch(Character::isISOControl)) {
            return fail(field, "Must not contain control characters");
        }
        return s;
    }

    /** A key id: 1–50 letters, digits or {@code . _ : @ -}. */
    String id(String field) {
        String s = text(field, 1, ID_MAX);
        if (s != null && !ID.matcher(s).matches()) {
            return fail(field, "May contain only letters, digits and . _ : @ -");
        }
        return s;
    }

    /** An upstream API key: {@value #API_KEY_MIN}–{@value #API_KEY_MAX} characters with no spaces. */
    String apiKey(String field) {
        String s = text(field, API_KEY_MIN, API_KEY_MAX);
        if (s != null && s.chars().anyMatch(Character::isWhitespace)) {
            return fail(field, "Must not contain spaces");
        }
        return s;
    }

    boolean bool(String field) {
        return optionalBool(field).orElseGet(() -> {
            if (!has(field)) {
                fail(field, "Required");
            }
            return false;
        });
    }

    Optional<Boolean> optionalBool(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        Object v = values.get(field);
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (fromQuery && ("true".equals(v) || "false".equals(v))) {
            return Optional.of(Boolean.parseBoolean((String) v));
        }
        fail(field, "Expected a boolean");
        return Optional.empty();
    }

    Optional<Integer> optionalInt(String field, int min, int max) {
        return optionalLong(field, min, max).map(Long::intValue);
    }

    Optional<Long> optionalLong(String field, long min, long max) {
        if (!has(field)) {
            return Optional.empty();
        }
        Object v = values.get(field);
        BigInteger n = null;
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            n = new BigInteger(v.toString());
        } else if (fromQuery && v instanceof String s && s.matches("-?\\d{1,12}")) {
            n = new BigInteger(s);
        }
        if (n == null) {
            fail(field, v instanceof Double || v instanceof Float || v instanceof BigDecimal
                    ? "Expected a whole number" : "Expected an integer");
            return Optional.empty();
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            fail(field, "Must be from " + min + " to " + max);
            return Optional.empty();
        }
        return Optional.of(n.longValue());
    }

    int intOr(String field, int fallback, int min, int max) {
        return optionalInt(field, min, max).orElse(fallback);
    }

    Optional<String> optionalText(String field, int min, int max) {
        return has(field) ? Optional.ofNullable(text(field, min, max)) : Optional.empty();
    }

    /** A list of 0 to {@code maxItems} strings of {@code 1}–{@code maxLength} characters each, when given. */
    Optional<List<String>> optionalTexts(String field, int maxItems, int maxLength) {
        if (!has(field)) {
            return Optional.empty();
        }
        Object v = values.get(field);
        List<?> items = v instanceof io.vertx.core.json.JsonArray a ? a.getList() : v instanceof List<?> l ? l : null;
        if (items == null) {
            return Optional.ofNullable(fail(field, "Expected a list of strings"));
        }
        if (items.size() > maxItems) {
            return Optional.ofNullable(fail(field, "At most " + maxItems + " entries"));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String s) || s.isBlank() || s.length() > maxLength || !s.strip().equals(s)
                    || s.chars().anyMatch(Character::isISOControl)) {
                return Optional.ofNullable(fail(field + "[" + i + "]", "Expected a string of 1 to " + maxLength
                        + " characters, without surrounding spaces or control characters"));
            }
            out.add(s);
        }
        return Optional.of(List.copyOf(out));
    }

    /** An ISO-8601 instant such as {@code 2026-12-06T02:00:00Z}, when given. */
    Optional<java.time.Instant> optionalInstant(String field) {
        Optional<String> text = optionalText(field, 1, 40);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.Instant.parse(text.get()));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.ofNullable(fail(field, "Expected an ISO-8601 instant such as 2026-12-06T02:00:00Z"));
        }
    }

    /** Adds a problem found by the caller. */
    <T> T fail(String field, String message) {
        if (!notAnObject) {
            issues.add(new Issue(path(prefix, field), message));
        }
        return null;
    }

    List<Issue> issues() {
        return List.copyOf(issues);
    }

    /** @throws InvalidInputException with every problem found so far */
    void check() {
        if (!issues.isEmpty()) {
            throw new InvalidInputException(issues);
        }
    }

    static String path(String prefix, String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }
}
