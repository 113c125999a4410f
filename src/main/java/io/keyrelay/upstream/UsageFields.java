package io.keyrelay.upstream;

import java.nio.charset.StandardCharsets;

/**
 * The token counts of usage objects, read straight from JSON bytes: only the object's own numeric fields are looked
 * at (nested objects such as {@code prompt_tokens_details} are skipped), no tree and no strings are built. Counts
 * only grow: Anthropic's {@code message_delta} repeats a running output total, so the largest value wins.
 */
final class UsageFields {
    private static final byte[][] NAMES = {
            bytes("input_tokens"), bytes("output_tokens"), bytes("cache_read_input_tokens"),
            bytes("cache_creation_input_tokens"), bytes("prompt_tokens"), bytes("completion_tokens")};
    private static final int INPUT = 0;
    private static final int OUTPUT = 1;
    private static final int CACHE_READ = 2;
    private static final int CACHE_WRITE = 3;
    private static final int PROMPT = 4;
    private static final int COMPLETION = 5;

    private final long[] max = new long[NAMES.length];
    private final long[] seen = new long[NAMES.length];

    /**
     * Reads the object that follows a key ending just before {@code from} ({@code "usage"}): {@code : {…}}.
     * Returns false, changing nothing, when no complete object follows.
     */
    boolean readObjectAfterKey(byte[] a, int from, int to) {
        int i = skipSpace(a, from, to);
        if (i >= to || a[i] != ':') {
            return false;
        }
        i = skipSpace(a, i + 1, to);
        if (i >= to || a[i] != '{') {
            return false;
        }
        java.util.Arrays.fill(seen, -1);
        int depth = 0;
        int field = -1; // which counted field the next value at depth 1 belongs to
        boolean expectKey = true;
        while (i < to) {
            byte b = a[i];
            if (b == '"') {
                int close = stringEnd(a, i + 1, to);
                if (close < 0) {
                    return false;
                }
                if (depth == 1 && expectKey) {
                    field = fieldAt(a, i + 1, close);
                    expectKey = false;
                }
                i = close + 1;
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
                field = -1;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    commit();
                    return true;
                }
            } else if (b == ',' && depth == 1) {
                expectKey = true;
                field = -1;
            } else if (depth == 1 && field >= 0 && (b >= '0' && b <= '9')) {
                long v = 0;
                while (i < to && a[i] >= '0' && a[i] <= '9') {
                    v = v * 10 + (a[i] - '0');
                    i++;
                }
                seen[field] = v;
                field = -1;
                continue;
            }
            i++;
        }
        return false;
    }

    Usage usage() {
        long input = Math.max(max[INPUT], max[PROMPT]);
        long output = Math.max(max[OUTPUT], max[COMPLETION]);
        return new Usage(input, output, max[CACHE_READ], max[CACHE_WRITE]);
    }

    private void commit() {
        for (int f = 0; f < NAMES.length; f++) {
            if (seen[f] > max[f]) {
                max[f] = seen[f];
            }
        }
    }

    private static int fieldAt(byte[] a, int from, int to) {
        int len = to - from;
        outer:
        for (int f = 0; f < NAMES.length; f++) {
            byte[] name = NAMES[f];
            if (name.length != len) {
                continue;
            }
            for (int j = 0; j < len; j++) {
                if (a[from + j] != name[j]) {
                    continue outer;
                }
            }
            return f;
        }
        return -1;
    }

    /** The index of the quote closing a string whose content starts at {@code from}, or -1. */
    private static int stringEnd(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == '\\') {
                i++;
            } else if (a[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int skipSpace(byte[] a, int from, int to) {
        int i = from;
        while (i < to && (a[i] == ' ' || a[i] == '\t' || a[i] == '\r' || a[i] == '\n')) {
            i++;
        }
        return i;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
