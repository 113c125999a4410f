package io.keyrelay.upstream;

import io.keyrelay.transport.ByteView;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Asks an OpenAI chat stream for its usage when the client did not (SPEC §2 Decision): without
 * {@code stream_options.include_usage}, OpenAI never says how many tokens a stream used. The body is changed as little
 * as it can be: the option is written in after the opening brace, or, when the client sent {@code stream_options}
 * without it, added to them. {@link UsageStripper} takes out of the answer what the option adds.
 */
public final class UsageRequests {
    private static final byte[] OPTIONS_NAME = "\"stream_options\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INSERTED = "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.US_ASCII);

    private UsageRequests() {
    }

    /** The body of a valid JSON object, asking for usage. */
    public static Buffer askForUsage(Buffer body) {
        ByteView v = ByteView.of(body);
        byte[] a = v.array();
        if (UsageReader.indexOf(a, v.offset(), v.end(), OPTIONS_NAME) >= 0) {
            JsonObject json = new JsonObject(body);
            Object options = json.getValue("stream_options");
            JsonObject merged = options instanceof JsonObject o ? o : new JsonObject();
            json.put("stream_options", merged.put("include_usage", true));
            return json.toBuffer();
        }
        int open = v.offset();
        while (a[open] != '{') {
            open++;
        }
        Buffer asked = Buffer.buffer(v.length() + INSERTED.length);
        asked.appendBytes(a, v.offset(), open + 1 - v.offset());
        asked.appendBytes(INSERTED);
        asked.appendBytes(a, open + 1, v.end() - open - 1);
        return asked;
    }
}
