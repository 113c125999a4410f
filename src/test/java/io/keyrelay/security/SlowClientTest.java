package io.keyrelay.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients cannot hold connections for free (SPEC §8): a request head must arrive within
 * {@code KEYRELAY_HEADER_TIMEOUT} (between keep-alive requests too), and a body must keep arriving at
 * {@code KEYRELAY_MIN_BODY_RATE} once that much time has passed. Here the timeout is 1 s and the rate 1 KiB/s.
 */
class SlowClientTest {
    private static final int GIVE_UP_MS = 15_000; // far beyond the timeout: the server should have acted long before
    private static final String BODY = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}";

    @TempDir
    Path dataDir;
    RelayFixture relay;

    @BeforeEach
    void start() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_HEADER_TIMEOUT", "1s", "KEYRELAY_MIN_BODY_RATE", "1k"));
        relay.addKey("k1", false);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void aHeadThatNeverEndsIsClosed() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("POST /v1/messages HTTP/1.1\r\nhost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedWithin(s);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws IOException {
        try (Socket s = connect()) {
            assertClosedWithin(s);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheHeaderTimeout() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(request("/v1/messages", BODY.length()).getBytes(StandardCharsets.US_ASCII));
            out.write(BODY.getBytes(StandardCharsets.US_ASCII));
            String answer = readAnswerHead(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertClosedWithin(s);
        }
    }

    @Test
    void aBodyTricklingBelowTheMinimumRateGets408InItsDialectAndIsClosed() throws IOException, InterruptedException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(request("/v1/chat/completions", 100_000).getBytes(StandardCharsets.US_ASCII));
            out.write("{\"model\":\"m\",".getBytes(StandardCharsets.US_ASCII));
            String answer = readUntilClosed(s, out);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            JsonObject error = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
            assertEquals("request_timeout", error.getString("code"), answer);
        }
        assertEquals(0, relay.upstream.received().size(), "nothing reached the upstream");
    }

    @Test
    void aSlowBodyAboveTheMinimumRateIsServed() throws IOException, InterruptedException {
        String padded = BODY.substring(0, BODY.length() - 1) + ",\"metadata\":{\"user_id\":\"" + "u".repeat(3000) + "\"}}";
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(request("/v1/messages", padded.length()).getBytes(StandardCharsets.US_ASCII));
            byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < bytes.length; i += 200) { // 2 KiB/s: twice the minimum
                out.write(bytes, i, Math.min(200, bytes.length - i));
                out.flush();
                Thread.sleep(100);
            }
            String answer = readAnswerHead(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", relay.relay.port());
        s.setSoTimeout(GIVE_UP_MS);
        return s;
    }

    private String request(String path, int length) {
        return "POST " + path + " HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer "
                + relay.clientKey + "\r\ncontent-length: " + length + "\r\n\r\n";
    }

    /** The connection is closed by the server before the test gives up. */
    private static void assertClosedWithin(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // a 408 or nothing; then the end
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + GIVE_UP_MS + " ms");
        } catch (IOException reset) {
            // closed with a reset: closed all the same
        }
    }

    /** Keeps trickling a byte a second until the server answers and closes; returns what it sent. */
    private static String readUntilClosed(Socket s, OutputStream out) throws IOException, InterruptedException {
        s.setSoTimeout(1000);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        long end = System.currentTimeMillis() + GIVE_UP_MS;
        while (System.currentTimeMillis() < end) {
            try {
                int b = in.read();
                if (b < 0) {
                    return received.toString(StandardCharsets.UTF_8);
                }
                received.write(b);
            } catch (SocketTimeoutException e) {
                try {
                    out.write(' ');
                } catch (IOException closed) {
                    return received.toString(StandardCharsets.UTF_8);
                }
            } catch (java.net.SocketException reset) {
                return received.toString(StandardCharsets.UTF_8); // closed with bytes unread: a reset
            }
        }
        throw new AssertionError("the slow body was not refused; received: " + received);
    }

    private static String readAnswerHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
