package io.keyrelay.upstream;

import com.google.re2j.Pattern;
import io.keyrelay.keys.ErrorReport;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;

/**
 * What of an upstream error may reach a client, and what it says for the classifier. Validation messages about the
 * request ("prompt is too long: …") pass with anything that would reveal the upstream removed: the keys of the
 * exchange, whatever their shape, then URLs, host names, the reseller's name, billing hints and anything shaped
 * like a key. The patterns are RE2/J's: they run in time linear in the message, whatever an upstream (or a client
 * it quotes) wrote.
 */
public final class UpstreamErrors {
    private static final String REDACTED = "[redacted]";
    private static final Pattern URL = Pattern.compile("(?i)\\bhttps?://\\S+");
    private static final Pattern IP = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?\\b");
    /**
     * A host: a dotted name with a port, or ending in a top-level domain relays use. Not any dotted word, which
     * would eat validation paths such as {@code messages.0.content}.
     */
    private static final Pattern HOST = Pattern.compile("(?i)\\b(?:[a-z0-9-]+\\.)+(?:[a-z]{2,24}:\\d+|(?:com|net|org|io|ai|cn|dev|app|co|xyz|top"
            + "|cc|me|info|biz|tech|site|online|cloud|pro|us|uk|de|jp|hk|tw|sg|ru|in|vip|club|link|work|shop|store"
            + "|live|one|fun|asia|space|website|host|run|sh|to|gg|ly|tv|icu|ink|cyou|chat|im)\\b)");
    private static final Pattern BRAND = Pattern.compile("(?i)oh\\s*my\\s*gpt|hash070|openai-hk|aigc2d");
    private static final Pattern KEY = Pattern.compile("\\b(?:sk|kr|ak)-[A-Za-z0-9_-]{6,}|\\b[A-Za-z0-9_-]{32,}\\b");
    private static final Pattern BILLING = Pattern.compile("(?i)[^.;。；]*(?:\\b(?:recharge|top[- ]?up|billing|balance)\\b|充值|余额)[^.;。；]*[.;。；]?");
    private static final Pattern SPACES = Pattern.compile("\\s{2,}");
    private static final int MAX_MESSAGE = 2_000;

    private UpstreamErrors() {
    }

    /**
     * The message of an upstream error body, cleaned, with every one of {@code secrets} (the keys of the exchange)
     * removed; null when the body has no message worth passing.
     */
    public static String clientMessage(String body, Collection<String> secrets) {
        String message = extractMessage(body);
        if (message == null) {
            return null;
        }
        String cleaned = sanitize(message, secrets);
        return cleaned.isBlank() ? null : cleaned;
    }

    /** {@link #clientMessage(String, Collection)} with no known secret. */
    public static String clientMessage(String body) {
        return clientMessage(body, java.util.List.of());
    }

    /** {@link #sanitize(String, Collection)} with no known secret. */
    public static String sanitize(String message) {
        return sanitize(message, java.util.List.of());
    }

    /**
     * The message with every occurrence of {@code secrets} removed first (so no pattern below can cut a key and leave
     * a piece of it), then what would reveal the upstream.
     */
    public static String sanitize(String message, Collection<String> secrets) {
        String s = message;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                s = s.replace(secret, REDACTED);
            }
        }
        s = URL.matcher(s).replaceAll("");
        s = BILLING.matcher(s).replaceAll("");
        s = IP.matcher(s).replaceAll("the upstream");
        s = HOST.matcher(s).replaceAll("the upstream");
        s = BRAND.matcher(s).replaceAll("the upstream");
        s = KEY.matcher(s).replaceAll(REDACTED);
        s = SPACES.matcher(s).replaceAll(" ").trim();
        return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "…" : s;
    }

    /**
     * What an error body says, for the classifier: the values of {@code type} and {@code code} fields, which the
     * upstream sets itself, apart from every other text in it (messages, parameter names), which may quote the
     * request. A body that is not JSON is all text.
     */
    public static ErrorReport report(String body) {
        if (body == null || body.isBlank()) {
            return ErrorReport.EMPTY;
        }
        Object json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return ErrorReport.unstructured(body);
        }
        StringBuilder codes = new StringBuilder();
        StringBuilder text = new StringBuilder();
        collect(json, null, Level.TOP, codes, text);
        return new ErrorReport(codes.toString(), text.toString());
    }

    /** Where a value sits: in the body itself, in its top-level {@code error}, or anywhere deeper. */
    private enum Level { TOP, ERROR, QUOTED }

    /**
     * {@code level}: whether the object is the body itself or its top-level {@code error}, where the upstream names the
     * error; {@code type} or {@code code} anywhere deeper (a validation error quoting the request's content blocks)
     * is text like the rest.
     */
    private static void collect(Object value, String field, Level level, StringBuilder codes, StringBuilder text) {
        if (value instanceof JsonObject o) {
            for (Map.Entry<String, Object> e : o) {
                Level inner = !(e.getValue() instanceof JsonObject) ? level
                        : level == Level.TOP && "error".equals(e.getKey()) ? Level.ERROR : Level.QUOTED;
                collect(e.getValue(), e.getKey(), inner, codes, text);
            }
        } else if (value instanceof JsonArray a) {
            for (Object item : a) {
                collect(item, field, Level.QUOTED, codes, text);
            }
        } else if (value instanceof String || value instanceof Number) {
            boolean own = level != Level.QUOTED && ("type".equals(field) || "code".equals(field));
            (own ? codes : text).append(value).append('\n');
        }
    }

    private static String extractMessage(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonObject json = new JsonObject(body);
            Object error = json.getValue("error");
            if (error instanceof JsonObject e && e.getValue("message") instanceof String m) {
                return m;
            }
            if (error instanceof String e) {
                return e;
            }
            if (json.getValue("message") instanceof String m) {
                return m;
            }
            return null;
        } catch (DecodeException | ClassCastException e) {
            return null; // not JSON: an HTML error page or a proxy's text; never passed on
        }
    }
}
