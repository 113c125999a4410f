package io.keyrelay.upstream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Reads token usage from an answer as it passes, without parsing every chunk: bytes are scanned for line ends, and
 * only SSE {@code data:} lines that contain {@code "usage"} are decoded. For a non-streaming answer the last bytes
 * are kept and the usage object is read from them at the end (both APIs put it last).
 *
 * <p>Anthropic streams report input (and cache) tokens in {@code message_start} and the running output count in
 * {@code message_delta}; OpenAI streams report everything in the last chunk when usage is included.
 */
public final class UsageReader {
    private static final byte[] USAGE = "\"usage\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int TAIL = 16 * 1024;
    private static final int MAX_LINE = 256 * 1024;

    private final boolean streaming;
    private Buffer partialLine;
    private Buffer tail;
    private long input;
    private long output;
    private long cacheRead;
    private long cacheWrite;

    public UsageReader(boolean streaming) {
        this.streaming = streaming;
    }

    public void feed(Buffer chunk) {
        if (streaming) {
            scanLines(chunk);
        } else {
            keepTail(chunk);
        }
    }

    /** The usage seen; call once the answer has ended. */
    public Usage finish() {
        if (!streaming && tail != null) {
            String text = tail.toString(java.nio.charset.StandardCharsets.UTF_8);
            int at = text.lastIndexOf("\"usage\"");
            if (at >= 0) {
                int open = text.indexOf('{', at);
                int close = open < 0 ? -1 : matchingBrace(text, open);
                if (close > 0) {
                    absorb(text.substring(open, close + 1));
                }
            }
        }
        return new Usage(input, output, cacheRead, cacheWrite);
    }

    private void scanLines(Buffer chunk) {
        int start = 0;
        int len = chunk.length();
        for (int i = 0; i < len; i++) {
            if (chunk.getByte(i) == '\n') {
                Buffer line = chunk.slice(start, i);
                if (partialLine != null) {
                    line = partialLine.appendBuffer(line);
                    partialLine = null;
                }
                onLine(line);
                start = i + 1;
            }
        }
        if (start < len) {
            Buffer rest = chunk.slice(start, len);
            if (partialLine == null) {
                partialLine = Buffer.buffer(rest.length()).appendBuffer(rest);
            } else if (partialLine.length() < MAX_LINE) {
                partialLine.appendBuffer(rest);
            }
        }
    }

    private void onLine(Buffer line) {
        if (line.length() < 6 || line.getByte(0) != 'd' || !contains(line, USAGE)) {
            return;
        }
        String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        String json = text.substring(colon + 1).trim();
        try {
            JsonObject event = new JsonObject(json);
            JsonObject usage = event.getJsonObject("usage");
            if (usage == null && event.getValue("message") instanceof JsonObject message) {
                usage = message.getJsonObject("usage"); // Anthropic message_start
            }
            if (usage != null) {
                absorb(usage);
            }
        } catch (DecodeException | ClassCastException e) {
            // not a JSON event: nothing to count
        }
    }

    private void absorb(String json) {
        try {
            absorb(new JsonObject(json));
        } catch (DecodeException e) {
            // a truncated or odd body: leave the counts as they are
        }
    }

    private void absorb(JsonObject u) {
        // Anthropic: input_tokens / output_tokens (output is a running total in message_delta)
        input = Math.max(input, number(u, "input_tokens"));
        output = Math.max(output, number(u, "output_tokens"));
        cacheRead = Math.max(cacheRead, number(u, "cache_read_input_tokens"));
        cacheWrite = Math.max(cacheWrite, number(u, "cache_creation_input_tokens"));
        // OpenAI: prompt_tokens (cached ones included) / completion_tokens
        input = Math.max(input, number(u, "prompt_tokens"));
        output = Math.max(output, number(u, "completion_tokens"));
    }

    private static long number(JsonObject o, String field) {
        return o.getValue(field) instanceof Number n ? n.longValue() : 0;
    }

    private void keepTail(Buffer chunk) {
        if (tail == null) {
            tail = Buffer.buffer();
        }
        tail.appendBuffer(chunk);
        if (tail.length() > 2 * TAIL) {
            tail = tail.getBuffer(tail.length() - TAIL, tail.length());
        }
    }

    private static boolean contains(Buffer haystack, byte[] needle) {
        int last = haystack.length() - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int matchingBrace(String s, int open) {
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
