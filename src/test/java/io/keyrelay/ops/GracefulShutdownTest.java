package io.keyrelay.ops;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.clients.ClientKey;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.TestStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real KeyRelay process (a child JVM running Main) in the middle of a stream: the stream finishes, new
 * connections are refused, usage counted only in memory is written, and the process exits on its own.
 */
class GracefulShutdownTest {
    private static final String STREAM = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":true}";
    private static final int CHUNKS = 40;

    @TempDir
    Path dataDir;
    FakeUpstream upstream;
    Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void sigtermLetsTheOpenStreamFinishThenWritesUsageAndExits() throws Exception {
        String clientKey;
        try (MongoStorage storage = TestStorage.open(dataDir)) {
            storage.keys().insert(PoolKey.fresh("k1", "sk-fake-k1-0123456789abcdef", false, null, Instant.now()));
            clientKey = new ClientKeys(storage.clientKeys(), storage.clientWindows(), Clock.systemUTC()).create("shutdown test", 0).secret();
        }
        upstream = FakeUpstream.start();
        upstream.always(key("sk-fake-k1-0123456789abcdef"), FakeUpstream.slowStream(CHUNKS, 50));
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.keyrelay.app.Main")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("child.out").toFile());
        Map<String, String> env = builder.environment();
        env.putAll(upstream.env());
        env.put("KEYRELAY_PORT", Integer.toString(port));
        env.put("KEYRELAY_HOST", "127.0.0.1");
        env.put("KEYRELAY_DATA_DIR", dataDir.toString());
        env.put("KEYRELAY_ADMIN_TOKEN", "test-admin-token-0123456789");
        env.put("KEYRELAY_INSTANCE_ID", "child");
        env.put("KEYRELAY_EVENT_LOOPS", "1");
        env.put("KEYRELAY_SHUTDOWN_GRACE", "20s");
        env.put("KEYRELAY_USAGE_FLUSH_INTERVAL", "1h"); // only the shutdown flush can write this request's usage
        process = builder.start();
        waitUntil(() -> accepts(port), "the child listens", Duration.ofSeconds(60));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                    + "x-api-key: " + clientKey + "\r\ncontent-length: " + STREAM.length() + "\r\n\r\n" + STREAM)
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            assertTrue(n > 0, "the stream started");
            received.write(buf, 0, n);

            process.destroy(); // SIGTERM
            waitUntil(() -> !accepts(port), "new connections are refused while the stream goes on", Duration.ofSeconds(30));

            while ((n = in.read(buf)) > 0) {
                received.write(buf, 0, n);
            }
            String body = received.toString(StandardCharsets.UTF_8);
            assertTrue(body.contains(" " + (CHUNKS - 1) + "\"") && body.contains("event: message_stop"),
                    "the whole stream arrived: " + body.substring(Math.max(0, body.length() - 300)));
            assertTrue(!body.contains("event: error"), "no error event");
        }

        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process exits by itself");
        assertTrue(List.of(0, 143).contains(process.exitValue()), "exit status " + process.exitValue()
                + " (143 = 128 + SIGTERM after a clean stop)");
        try (MongoStorage storage = TestStorage.open(dataDir)) {
            PoolKey k1 = storage.keys().find("k1").orElseThrow();
            assertEquals(1, k1.requestsCount(), "usage written at shutdown");
            assertEquals(15, k1.tokensUsed());
            ClientKey client = storage.clientKeys().loadAll().get(0);
            assertEquals(1, client.requestsCount());
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
