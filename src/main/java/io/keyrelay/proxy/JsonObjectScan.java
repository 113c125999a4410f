package io.keyrelay.proxy;

import java.nio.charset.StandardCharsets;

/**
 * One pass over a request body that checks it is a single well-formed JSON object (RFC 8259: UTF-8, no comments,
 * no trailing commas, no leading zeros, no NaN) and finds its top-level {@code stream} flag, without building
 * anything. It does what Jackson's streaming parser did here at a fraction of the cost: the parser's setup alone
 * (parser, context and symbol-table objects for every request) was most of a small body's check.
 *
 * <p>Strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing past U+10FFFF) and may not hold
 * raw control characters; escapes are the eight of the RFC and a backslash-u with four hex digits. A UTF-8 byte order
 * mark is skipped. Nesting deeper than {@link #MAX_DEPTH} is refused, as Jackson's default limit did.
 */
final class JsonObjectScan {
    static final int MAX_DEPTH = 1000;
    private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);

    private final byte[] a;
    private final int end;
    private int i;
    private boolean stream;

    private JsonObjectScan(byte[] a, int from, int end) {
        this.a = a;
        this.i = from;
        this.end = end;
    }

    /** What the body is: invalid, or a valid object whose last top-level {@code stream} is true, or not. */
    static RequestBody check(byte[] a, int from, int length) {
        JsonObjectScan s = new JsonObjectScan(a, from, from + length);
        try {
            s.skipByteOrderMark();
            s.skipSpace();
            if (s.i >= s.end || s.a[s.i] != '{') {
                return RequestBody.INVALID;
            }
            s.object(1);
            s.skipSpace();
            if (s.i != s.end) {
                return RequestBody.INVALID;
            }
            return s.stream ? RequestBody.STREAMING : RequestBody.NOT_STREAMING;
        } catch (Malformed e) {
            return RequestBody.INVALID;
        }
    }

    /** An object starting at {@code i} ('{'); {@code depth} is its own nesting level (1 at the top). */
    private void object(int depth) {
        i++;
        skipSpace();
        if (peek() == '}') {
            i++;
            return;
        }
        while (true) {
            if (peek() != '"') {
                throw Malformed.INSTANCE;
            }
            int nameStart = i + 1;
            boolean escaped = string();
            boolean isStream = depth == 1 && isStreamName(nameStart, i - 1, escaped);
            skipSpace();
            expect(':');
            skipSpace();
            byte first = peek();
            value(depth);
            if (isStream) {
                stream = first == 't'; // the value was valid: 't' can only have been true
            }
            if (closedAfterMember('}')) {
                return;
            }
        }
    }

    private void array(int depth) {
        i++;
        skipSpace();
        if (peek() == ']') {
            i++;
            return;
        }
        while (true) {
            value(depth);
            if (closedAfterMember(']')) {
                return;
            }
        }
    }

    /** After a member of a container: true at its closing {@code close}, false after a comma (more follows). */
    private boolean closedAfterMember(char close) {
        skipSpace();
        byte b = next();
        if (b == close) {
            return true;
        }
        if (b != ',') {
            throw Malformed.INSTANCE;
        }
        skipSpace();
        return false;
    }

    /** A value inside a container at nesting level {@code depth}. */
    private void value(int depth) {
        switch (peek()) {
            case '{' -> {
                if (depth >= MAX_DEPTH) {
                    throw Malformed.INSTANCE;
                }
                object(depth + 1);
            }
            case '[' -> {
                if (depth >= MAX_DEPTH) {
                    throw Malformed.INSTANCE;
                }
                array(depth + 1);
            }
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    /** A string starting at {@code i} ('"'); leaves {@code i} after its closing quote. True when it had escapes. */
    private boolean string() {
        i++;
        boolean escaped = false;
        while (true) {
            int b = next() & 0xFF;
            if (b == '"') {
                return escaped;
            }
            if (b == '\\') {
                escaped = true;
                escape();
            } else if (b < 0x20) {
                throw Malformed.INSTANCE;
            } else if (b >= 0x80) {
                utf8(b);
            }
        }
    }

    private void escape() {
        switch (next()) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
            }
            case 'u' -> {
                for (int k = 0; k < 4; k++) {
                    if (hexValue(next()) < 0) {
                        throw Malformed.INSTANCE;
                    }
                }
            }
            default -> throw Malformed.INSTANCE;
        }
    }

    /** The rest of a multi-byte UTF-8 sequence whose lead byte {@code b} was just read. */
    private void utf8(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            continuation(0x80, 0xBF);
        } else if (b >= 0xE0 && b <= 0xEF) {
            int low = b == 0xE0 ? 0xA0 : 0x80;   // E0: no overlong forms
            int high = b == 0xED ? 0x9F : 0xBF;  // ED: no surrogates
            continuation(low, high);
            continuation(0x80, 0xBF);
        } else if (b >= 0xF0 && b <= 0xF4) {
            int low = b == 0xF0 ? 0x90 : 0x80;   // F0: no overlong forms
            int high = b == 0xF4 ? 0x8F : 0xBF;  // F4: nothing past U+10FFFF
            continuation(low, high);
            continuation(0x80, 0xBF);
            continuation(0x80, 0xBF);
        } else {
            throw Malformed.INSTANCE; // a stray continuation byte, C0/C1, or F5..FF
        }
    }

    private void continuation(int low, int high) {
        int c = next() & 0xFF;
        if (c < low || c > high) {
            throw Malformed.INSTANCE;
        }
    }

    private void number() {
        if (peek() == '-') {
            i++;
        }
        byte b = next();
        if (b == '0') {
            if (i < end && isDigit(a[i])) {
                throw Malformed.INSTANCE; // leading zero
            }
        } else if (b >= '1' && b <= '9') {
            digits();
        } else {
            throw Malformed.INSTANCE;
        }
        if (i < end && a[i] == '.') {
            i++;
            requireDigit();
            digits();
        }
        if (i < end && (a[i] == 'e' || a[i] == 'E')) {
            i++;
            if (i < end && (a[i] == '+' || a[i] == '-')) {
                i++;
            }
            requireDigit();
            digits();
        }
    }

    private void requireDigit() {
        if (i >= end || !isDigit(a[i])) {
            throw Malformed.INSTANCE;
        }
    }

    private void digits() {
        while (i < end && isDigit(a[i])) {
            i++;
        }
    }

    private void literal(String word) {
        if (end - i < word.length()) {
            throw Malformed.INSTANCE;
        }
        for (int k = 0; k < word.length(); k++) {
            if (a[i + k] != word.charAt(k)) {
                throw Malformed.INSTANCE;
            }
        }
        i += word.length();
    }

    /** Whether the (valid) string between {@code from} and {@code to} (its quotes excluded) says {@code stream}. */
    private boolean isStreamName(int from, int to, boolean escaped) {
        if (!escaped) {
            if (to - from != STREAM.length) {
                return false;
            }
            for (int k = 0; k < STREAM.length; k++) {
                if (a[from + k] != STREAM[k]) {
                    return false;
                }
            }
            return true;
        }
        // rare: a name with escapes (an escaped letter, say) is decoded before it is compared
        StringBuilder name = new StringBuilder();
        for (int k = from; k < to && name.length() <= STREAM.length; k++) {
            if (a[k] != '\\') {
                name.append((char) (a[k] & 0xFF)); // bytes past ASCII never spell "stream": no need to decode them
                continue;
            }
            byte e = a[++k];
            if (e == 'u') {
                int c = 0;
                for (int h = 1; h <= 4; h++) {
                    c = c * 16 + hexValue(a[k + h]);
                }
                name.append((char) c);
                k += 4;
            } else {
                name.append(switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> (char) e; // " \ /
                });
            }
        }
        return name.toString().equals("stream");
    }

    private void skipByteOrderMark() {
        if (end - i >= 3 && (a[i] & 0xFF) == 0xEF && (a[i + 1] & 0xFF) == 0xBB && (a[i + 2] & 0xFF) == 0xBF) {
            i += 3;
        }
    }

    private void skipSpace() {
        while (i < end) {
            byte b = a[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            i++;
        }
    }

    private void expect(char c) {
        if (next() != c) {
            throw Malformed.INSTANCE;
        }
    }

    private byte peek() {
        if (i >= end) {
            throw Malformed.INSTANCE;
        }
        return a[i];
    }

    private byte next() {
        if (i >= end) {
            throw Malformed.INSTANCE;
        }
        return a[i++];
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** The body is not what it must be; thrown without a stack trace, as a jump out of the recursion. */
    private static final class Malformed extends RuntimeException {
        static final Malformed INSTANCE = new Malformed();

        private Malformed() {
            super("malformed JSON", null, false, false);
        }
    }
}
