package io.keyrelay.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.keyrelay.keys.RequestText;
import io.keyrelay.transport.ByteView;
import java.io.IOException;
import java.util.List;

/**
 * The text a client request carries upstream, as the upstream reads it: the JSON body's strings and field names
 * with their escapes decoded ({@code "over\u0020budget"} is "over budget" to the upstream), and what else of the
 * request goes upstream (forwarded header values, path, query). Asked only on error answers, so nothing is kept from
 * the body; a body that cannot be read as JSON counts as mentioning every word (an error then never steers the key).
 */
public final class ClientRequestText implements RequestText {
    private static final JsonFactory JSON = RequestJson.FACTORY;

    private final ByteView body;
    private final List<String> forwardedText;

    public ClientRequestText(ByteView body, List<String> forwardedText) {
        this.body = body;
        this.forwardedText = forwardedText;
    }

    @Override
    public boolean mentions(String word) {
        for (String v : forwardedText) {
            if (v != null && indexOfIgnoreCase(v.toCharArray(), 0, v.length(), word) >= 0) {
                return true;
            }
        }
        try (JsonParser p = JSON.createParser(body.array(), body.offset(), body.length())) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if ((t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME)
                        && indexOfIgnoreCase(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), word) >= 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException unreadable) {
            return true;
        }
    }

    /** Where {@code word} (lower case) starts in {@code text[from, from + length)} in any letter case, or -1. */
    static int indexOfIgnoreCase(char[] text, int from, int length, String word) {
        int last = from + length - word.length();
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < word.length(); j++) {
                if (Character.toLowerCase(text[i + j]) != word.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
