package io.keyrelay.edge;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * Request bodies sent compressed ({@code Content-Encoding: gzip}, {@code deflate} or {@code br}, or several in the
 * order applied), decoded with a bound on what they expand to: a body that would grow past it is refused, however
 * small it came, so that no compressed body can fill the heap. Decoding blocks: run it off the event loop.
 */
public final class BodyEncodings {
    private BodyEncodings() {
    }

    /** The body could not be decoded: not in the format it claims, or an encoding KeyRelay does not read. */
    public static final class Undecodable extends Exception {
        Undecodable(String message) {
            super(message, null, false, false);
        }
    }

    /** The body decodes to more than the limit. */
    public static final class TooLarge extends Exception {
        TooLarge() {
            super("decoded body too large", null, false, false);
        }
    }

    /** Whether KeyRelay reads a {@code Content-Encoding} header's value ({@code identity} and none included). */
    public static boolean supported(String contentEncoding) {
        for (String coding : codings(contentEncoding)) {
            if (!coding.isEmpty() && !coding.equals("identity") && !coding.equals("gzip") && !coding.equals("x-gzip")
                    && !coding.equals("deflate") && !coding.equals("br")) {
                return false;
            }
        }
        return true;
    }

    /** Whether the header asks for any decoding at all. */
    public static boolean encoded(String contentEncoding) {
        for (String coding : codings(contentEncoding)) {
            if (!coding.isEmpty() && !coding.equals("identity")) {
                return true;
            }
        }
        return false;
    }

    /** The body decoded, the codings undone last applied first, at most {@code maxBytes} long. */
    public static Buffer decode(Buffer body, String contentEncoding, long maxBytes) throws Undecodable, TooLarge {
        byte[] bytes = body.getBytes();
        String[] codings = codings(contentEncoding);
        for (int i = codings.length - 1; i >= 0; i--) {
            String coding = codings[i];
            if (coding.isEmpty() || coding.equals("identity")) {
                continue;
            }
            bytes = decodeOnce(bytes, coding, maxBytes);
        }
        return Buffer.buffer(bytes);
    }

    private static byte[] decodeOnce(byte[] bytes, String coding, long maxBytes) throws Undecodable, TooLarge {
        try {
            return switch (coding) {
                case "gzip", "x-gzip" -> readAll(new GZIPInputStream(new ByteArrayInputStream(bytes)), maxBytes);
                case "br" -> readAll(new BrotliInputStream(new ByteArrayInputStream(bytes)), maxBytes);
                case "deflate" -> inflate(bytes, maxBytes);
                default -> throw new Undecodable("Content-Encoding " + coding + " is not supported");
            };
        } catch (IOException | RuntimeException e) {
            throw new Undecodable("The body is not valid " + coding);
        }
    }

    /** HTTP's deflate is zlib (RFC 1950); some clients send raw deflate (RFC 1951): both are read. */
    private static byte[] inflate(byte[] bytes, long maxBytes) throws IOException, TooLarge {
        try {
            return inflate(bytes, false, maxBytes);
        } catch (java.util.zip.ZipException notZlib) {
            return inflate(bytes, true, maxBytes);
        }
    }

    /** An inflater given to a stream is not ended by the stream's close: its native memory is freed here. */
    private static byte[] inflate(byte[] bytes, boolean raw, long maxBytes) throws IOException, TooLarge {
        Inflater inflater = new Inflater(raw);
        try {
            return readAll(new InflaterInputStream(new ByteArrayInputStream(bytes), inflater), maxBytes);
        } finally {
            inflater.end();
        }
    }

    private static byte[] readAll(InputStream in, long maxBytes) throws IOException, TooLarge {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + (long) n > maxBytes) {
                    throw new TooLarge();
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static String[] codings(String contentEncoding) {
        if (contentEncoding == null) {
            return new String[0];
        }
        String[] parts = contentEncoding.toLowerCase(Locale.ROOT).split(",");
        for (int i = 0; i < parts.length; i++) {
            parts[i] = parts[i].trim();
        }
        return parts;
    }
}
