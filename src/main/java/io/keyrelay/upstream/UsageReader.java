package io.keyrelay.upstream;

import io.keyrelay.transport.ByteView;
import io.keyrelay.transport.Chunk;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads token usage from an answer as it passes, without parsing every chunk: each chunk's bytes are searched for
 * {@code "usage"}, only a chunk that has it is split into lines, and only SSE {@code data:} lines that contain it are
 * looked at further. For a non-streaming answer the last bytes are kept and the usage object is read from them at
 * the end (both APIs put it last). Usage objects are read by {@link UsageFields}, without building a JSON tree.
 *
 * <p>Anthropic streams report input (and cache) tokens in {@code message_start} and the running output count in
 * {@code message_delta}; OpenAI streams report everything in the last chunk when usage is included.
 */
public final class UsageReader {
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE_END = {'\n'};
    private static final int TAIL = 16 * 1024;
    private static final int MAX_LINE = 256 * 1024;

    private final boolean streaming;
    private final Scratch scratch;
    private final UsageFields fields = new UsageFields();
    private byte[] partial;
    private int partialLength;
    private byte[] tail;
    private int tailLength;

    /** A reader that copies stream chunks into {@code scratch}, shared by the readers of one thread. */
    public UsageReader(boolean streaming, Scratch scratch) {
        this.streaming = streaming;
        this.scratch = scratch;
    }

    /** The array a direct buffer's chunk is copied into to be scanned, shared by one event loop's readers. */
    public static final class Scratch {
        private byte[] bytes = new byte[2048];

        byte[] ofAtLeast(int length) {
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, 2 * bytes.length)];
            }
            return bytes;
        }
    }

    public void feed(Buffer chunk) {
        ByteView bytes = ByteView.of(chunk);
        feed(bytes.array(), bytes.offset(), bytes.length());
    }

    /**
     * A chunk as Netty read it. A stream's direct buffer is copied once into the scratch array, to be scanned (a line
     * that goes on in the next chunk is kept apart); of a JSON answer only the bytes the tail keeps are copied,
     * straight from the buffer.
     */
    public void feed(Chunk chunk) {
        int length = chunk.length();
        ByteView onHeap = chunk.arrayView();
        if (onHeap != null) {
            feed(onHeap.array(), onHeap.offset(), length);
            return;
        }
        if (!streaming) {
            keepTail(chunk, length);
            return;
        }
        byte[] bytes = scratch.ofAtLeast(length);
        chunk.copyTo(0, bytes, 0, length);
        feed(bytes, 0, length);
    }

    /**
     * The answer's final piece; only {@link #finish()} may follow. A JSON answer that came whole in this piece (the
     * usual case) has its usage read here, from the scratch array, instead of being kept as a tail of its own.
     */
    public void feedLast(Chunk chunk) {
        if (streaming || tail != null) {
            feed(chunk);
            return;
        }
        int length = chunk.length();
        int kept = Math.min(length, TAIL);
        byte[] bytes = scratch.ofAtLeast(kept);
        chunk.copyTo(length - kept, bytes, 0, kept);
        readUsageBefore(bytes, kept);
    }

    private void feed(byte[] a, int offset, int length) {
        if (streaming) {
            scanLines(a, offset, offset + length);
        } else {
            keepTail(a, offset, length);
        }
    }

    /** The usage seen; call once the answer has ended. */
    public Usage finish() {
        if (!streaming && tail != null) {
            readUsageBefore(tail, tailLength); // none when feedLast read the whole answer
        }
        return fields.usage();
    }

    /** Reads the last usage object of a JSON answer whose last bytes are {@code a[0, to)}. */
    private void readUsageBefore(byte[] a, int to) {
        int at = lastIndexOf(a, 0, to, USAGE);
        if (at >= 0) {
            fields.readObjectAfterKey(a, at + USAGE.length, to);
        }
    }

    /**
     * Splits a stream's bytes into lines, a line cut by the chunk's end kept for the next chunk. Most chunks name no
     * usage at all (text deltas): one search for {@code "usage"} over the chunk settles that, and then only the cut
     * line at its end is kept, instead of every line being found and searched on its own.
     */
    private void scanLines(byte[] a, int from, int to) {
        int start = from;
        if (partialLength > 0) { // the line cut by the previous chunk's end, completed here first
            int end = indexOf(a, from, to, LINE_END);
            if (end < 0) {
                appendPartial(a, from, to);
                return;
            }
            appendPartial(a, from, end);
            onLine(partial, 0, partialLength);
            partialLength = 0;
            start = end + 1;
        }
        if (indexOf(a, start, to, USAGE) < 0) {
            // no line that ends here names usage; one cut at the end is read whole once its rest has come
            int lastEnd = lastIndexOf(a, start, to, LINE_END);
            int cut = lastEnd < 0 ? start : lastEnd + 1;
            if (cut < to) {
                appendPartial(a, cut, to);
            }
            return;
        }
        for (int i = start; i < to; i++) {
            if (a[i] != '\n') {
                continue;
            }
            onLine(a, start, i);
            start = i + 1;
        }
        if (start < to) {
            appendPartial(a, start, to);
        }
    }

    private void appendPartial(byte[] a, int from, int to) {
        int n = Math.min(to - from, MAX_LINE - partialLength);
        if (n <= 0) {
            return;
        }
        if (partial == null || partial.length < partialLength + n) {
            byte[] grown = new byte[Math.max(256, Math.max(partialLength + n, partial == null ? 0 : 2 * partial.length))];
            if (partial != null) {
                System.arraycopy(partial, 0, grown, 0, partialLength);
            }
            partial = grown;
        }
        System.arraycopy(a, from, partial, partialLength, n);
        partialLength += n;
    }

    private void onLine(byte[] a, int from, int to) {
        if (to - from < 6 || a[from] != 'd') {
            return; // not a data: line
        }
        int at = indexOf(a, from, to, USAGE);
        while (at >= 0) {
            // Anthropic's message_start nests usage in "message"; the first usage object on the line is the one
            if (fields.readObjectAfterKey(a, at + USAGE.length, to)) {
                return;
            }
            at = indexOf(a, at + USAGE.length, to, USAGE); // "usage" was a value or null: look further
        }
    }

    private void keepTail(byte[] a, int from, int length) {
        int kept = makeRoomInTail(length);
        System.arraycopy(a, from + length - kept, tail, tailLength, kept);
        tailLength += kept;
    }

    private void keepTail(Chunk chunk, int length) {
        int kept = makeRoomInTail(length);
        chunk.copyTo(length - kept, tail, tailLength, kept);
        tailLength += kept;
    }

    /**
     * Makes room at {@code tailLength} for the last bytes of a chunk of {@code length} and says how many to keep:
     * a chunk that alone fills the tail replaces it with its end; otherwise the tail drops its older half when full.
     */
    private int makeRoomInTail(int length) {
        if (tail == null) {
            tail = new byte[Math.max(256, Math.min(2 * TAIL, length))]; // most answers come in one piece: no more than it
        }
        if (length >= TAIL) {
            tailLength = 0; // what the tail held is replaced: nothing to carry over
            ensureTail(TAIL);
            return TAIL;
        }
        if (tailLength + length > 2 * TAIL) {
            System.arraycopy(tail, tailLength - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
        }
        ensureTail(tailLength + length);
        return length;
    }

    private void ensureTail(int size) {
        if (tail.length < size) {
            byte[] grown = new byte[Math.min(2 * TAIL, Math.max(size, 2 * tail.length))];
            System.arraycopy(tail, 0, grown, 0, tailLength);
            tail = grown;
        }
    }

    static int indexOf(byte[] a, int from, int to, byte[] needle) {
        int last = to - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int lastIndexOf(byte[] a, int from, int to, byte[] needle) {
        outer:
        for (int i = to - needle.length; i >= from; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
