package io.keyrelay.proxy;

import java.io.ByteArrayOutputStream;

/**
 * Brotli streams for tests, without an encoder library: RFC 7932 lets a stream carry its bytes in uncompressed
 * meta-blocks, which any decoder must read.
 */
final class BrotliStream {
    private BrotliStream() {
    }

    /** {@code data} (up to 64 KiB) as one uncompressed meta-block and an empty last one. */
    static byte[] uncompressed(byte[] data) {
        if (data.length == 0 || data.length > 65_536) {
            throw new IllegalArgumentException("1 to 65536 bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // bit 0: WBITS = 16 ('0'); bit 1: ISLAST = 0; bits 2-3: MNIBBLES = 4 ('00'); bits 4-19: MLEN - 1;
        // bit 20: ISUNCOMPRESSED = 1; bits 21-23: padding to the byte
        int header = ((data.length - 1) << 4) | (1 << 20);
        out.write(header & 0xFF);
        out.write((header >> 8) & 0xFF);
        out.write((header >> 16) & 0xFF);
        out.write(data, 0, data.length);
        out.write(0x03); // ISLAST = 1, ISLASTEMPTY = 1
        return out.toByteArray();
    }
}
