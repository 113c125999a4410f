package io.keyrelay.upstream;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What of an upstream error may reach a client. Validation messages about the request ("prompt is too long: …")
 * pass with anything that would reveal the upstream removed: URLs, host names, the reseller's name, billing hints
 * and anything shaped like a key.
 */
public final class UpstreamErrors {
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
    private static final int MAX_MESSAGE = 2_000;

    private UpstreamErrors() {
    }

    /** The message of an upstream error body, cleaned; null when the body has no message worth passing. */
    public static String clientMessage(String body) {
        String message = extractMessage(body);
        if (message == null) {
            return null;
        }
        String cleaned = sanitize(message);
        return cleaned.isBlank() ? null : cleaned;
    }

    public static String sanitize(String message) {
        String s = URL.matcher(message).replaceAll("");
        s = BILLING.matcher(s).replaceAll("");
        s = IP.matcher(s).replaceAll("the upstream");
        s = HOST.matcher(s).replaceAll("the upstream");
        s = BRAND.matcher(s).replaceAll("the upstream");
        s = KEY.matcher(s).replaceAll("[redacted]");
        s = s.replaceAll("\\s{2,}", " ").trim();
        return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "…" : s;
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
