package io.keyrelay.upstream;

import io.keyrelay.transport.Chunk;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Takes out of an OpenAI chat stream what asking for usage added, for a client that did not ask (SPEC §2 Decision):
 * the usage-only chunk ({@code "choices":[]} with a usage object) and the {@code "usage":null} every other chunk
 * then carries. What the client receives is otherwise byte for byte what the upstream sent. Lines are taken whole:
 * a line cut by a chunk's end waits for its rest. OpenAI writes its chunks as compact JSON, which is what is matched.
 */
public final class UsageStripper {
    private static final byte[] DATA = bytes("data: {");
    private static final byte[] USAGE_NULL = bytes("\"usage\":null");
    private static final byte[] USAGE_OBJECT = bytes("\"usage\":{");
    private static final byte[] NO_CHOICES = bytes("\"choices\":[]");
    private static final int MAX_LINE = 1024 * 1024;

    private byte[] pending = new byte[0];
    private boolean droppingEvent; // the usage-only chunk's line was dropped: its blank line goes too

    /** What of {@code chunk} the client gets now (released here); may be empty. */
    public Buffer strip(Chunk chunk) {
        byte[] in = new byte[pending.length + chunk.length()];
        System.arraycopy(pending, 0, in, 0, pending.length);
        chunk.copyTo(0, in, pending.length, chunk.length());
        chunk.release();
        Buffer out = Buffer.buffer(in.length);
        int start = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n') {
                line(in, start, i + 1, out);
                start = i + 1;
            }
        }
        int rest = in.length - start;
        if (rest > MAX_LINE) {
            out.appendBytes(in, start, rest); // not a line anyone would strip: passed on as it is
            rest = 0;
            start = in.length;
        }
        pending = java.util.Arrays.copyOfRange(in, start, start + rest);
        return out;
    }

    /** What is left when the stream ends: a last line without its line end. */
    public Buffer finish() {
        Buffer out = Buffer.buffer(pending.length);
        if (pending.length > 0) {
            line(pending, 0, pending.length, out);
            pending = new byte[0];
        }
        return out;
    }

    /** One line {@code a[from, to)}, its line end included, to {@code out} as the client should see it. */
    private void line(byte[] a, int from, int to, Buffer out) {
        boolean blank = to - from <= 2 && (to - from == 0 || a[from] == '\n' || a[from] == '\r');
        if (droppingEvent) {
            droppingEvent = !blank;
            return;
        }
        if (!startsWith(a, from, to, DATA)) {
            out.appendBytes(a, from, to - from);
            return;
        }
        int usageNull = indexOf(a, from, to, USAGE_NULL);
        if (usageNull >= 0) {
            int cutFrom = usageNull;
            int cutTo = usageNull + USAGE_NULL.length;
            if (a[cutFrom - 1] == ',') {
                cutFrom--;
            } else if (cutTo < to && a[cutTo] == ',') {
                cutTo++;
            }
            out.appendBytes(a, from, cutFrom - from);
            out.appendBytes(a, cutTo, to - cutTo);
            return;
        }
        if (indexOf(a, from, to, USAGE_OBJECT) >= 0 && indexOf(a, from, to, NO_CHOICES) >= 0) {
            droppingEvent = true; // the usage-only chunk, and the blank line that ends its event
            return;
        }
        out.appendBytes(a, from, to - from);
    }

    private static boolean startsWith(byte[] a, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, int from, int to, byte[] needle) {
        return UsageReader.indexOf(a, from, to, needle);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
