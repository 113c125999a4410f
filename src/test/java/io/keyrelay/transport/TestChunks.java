package io.keyrelay.transport;

import io.netty.buffer.ByteBuf;

/** Chunks as the transport would hand them out, for tests of what reads them. */
public final class TestChunks {
    private TestChunks() {
    }

    public static Chunk of(ByteBuf bytes) {
        return new Chunk(bytes);
    }
}
