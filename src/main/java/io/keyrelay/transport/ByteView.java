package io.keyrelay.transport;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The bytes of a {@link Buffer} as an array region, without copying when the buffer is on the heap (as Vert.x
 * hands out request chunks); a direct buffer is copied.
 */
public record ByteView(byte[] array, int offset, int length) {

    public static ByteView of(Buffer buffer) {
        return of(((BufferInternal) buffer).getByteBuf());
    }

    static ByteView of(ByteBuf buf) {
        if (buf.hasArray()) {
            return new ByteView(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        byte[] copy = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), copy);
        return new ByteView(copy, 0, copy.length);
    }

    public int end() {
        return offset + length;
    }
}
