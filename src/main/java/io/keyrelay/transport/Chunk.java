package io.keyrelay.transport;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * A piece of an upstream answer as the connection read it, not copied. Whoever receives one owns it and must
 * {@link #release()} it once, when it is no longer needed (after it was written to the client, say).
 */
public final class Chunk {
    private final ByteBuf bytes;

    Chunk(ByteBuf bytes) {
        this.bytes = bytes;
    }

    /** The bytes as a Vert.x buffer (no copy), to write to a response; valid until {@link #release()}. */
    public Buffer buffer() {
        return BufferInternal.buffer(bytes);
    }

    /** The bytes in place when they are on the heap (no copy), or null when they are not. */
    public ByteView arrayView() {
        return bytes.hasArray() ? ByteView.of(bytes) : null;
    }

    public int length() {
        return bytes.readableBytes();
    }

    /** Copies {@code length} bytes from {@code index} (0 = the chunk's first byte) into {@code dst}. */
    public void copyTo(int index, byte[] dst, int dstIndex, int length) {
        bytes.getBytes(bytes.readerIndex() + index, dst, dstIndex, length);
    }

    /**
     * Appends the chunk's bytes to {@code into} while it holds fewer than {@code maxLength} (what does not fit is left
     * out), then releases the chunk: for keeping the start of a body that may be long.
     */
    public void appendUpTo(Buffer into, int maxLength) {
        int room = maxLength - into.length();
        if (room > 0) {
            byte[] kept = new byte[Math.min(room, length())];
            copyTo(0, kept, 0, kept.length);
            into.appendBytes(kept);
        }
        release();
    }

    /** The bytes as text. */
    public String toString(java.nio.charset.Charset charset) {
        return bytes.toString(charset);
    }

    public void release() {
        bytes.release();
    }
}
