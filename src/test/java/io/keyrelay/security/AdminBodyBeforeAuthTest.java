package io.keyrelay.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.RelayFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API reads no body for a caller it has not authenticated (SPEC §8): it answers from the head alone,
 * before any body byte is sent, and closes the connection instead of reading what follows. Sign-in, the one route
 * that reads a body before knowing who asks, takes a few KiB at most.
 */
class AdminBodyBeforeAuthTest {
    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void anUnauthenticatedWriteIsRefusedFromItsHeadAloneAndTheConnectionClosed() throws IOException {
        String answer = headOnly("POST /admin/ohmygpt/keys HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + "content-length: 1048000\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
    }

    @Test
    void aSignInBodyOverAFewKibIsRefusedFromItsHead() throws IOException {
        String answer = headOnly("POST /admin/sign-in HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + "x-keyrelay-csrf: 1\r\ncontent-length: 65536\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
    }

    @Test
    void aSignInBodyWithoutALengthIsCutOffAtTheCap() throws IOException {
        try (Socket s = new Socket("127.0.0.1", relay.relay.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /admin/sign-in HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "x-keyrelay-csrf: 1\r\ntransfer-encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String chunk = "{\"token\":\"" + "a".repeat(8000);
            s.getOutputStream().write((Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        }
        assertEquals(401, relay.post("/v1/messages", "{}", java.util.Map.of()).statusCode(), "still serving");
    }

    /** Sends a head that announces a body, and no body; returns the answer that came anyway. */
    private String headOnly(String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", relay.relay.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            return readAll(s.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer, or the connection stayed open: " + out.toString(StandardCharsets.UTF_8));
        } catch (java.net.SocketException reset) {
            // closed: what came is the answer
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
