package io.keyrelay.keys;

import java.util.Locale;

/**
 * An upstream error answer as the classifier reads it, in lower case: {@code codes}, the values the upstream sets
 * itself (an error's {@code type} and {@code code}), apart from {@code text}, everything else it wrote (messages,
 * parameter names, a page that is not JSON), which may quote the client's request.
 */
public record ErrorReport(String codes, String text) {
    public static final ErrorReport EMPTY = new ErrorReport("", "");

    public ErrorReport {
        codes = codes == null ? "" : codes.toLowerCase(Locale.ROOT);
        text = text == null ? "" : text.toLowerCase(Locale.ROOT);
    }

    /** An answer whose structure is unknown: all of it may quote the request. */
    public static ErrorReport unstructured(String body) {
        return new ErrorReport("", body);
    }
}
