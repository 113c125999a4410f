package io.keyrelay.support;

import static io.keyrelay.support.Eventually.waitUntil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * KeyRelay's {@code Main} in a child JVM started with README's run flags ({@link #README_FLAGS}), so that memory
 * tests meet the heap an operator runs with. Its output goes to {@code child.out} in the data directory.
 */
public final class ChildKeyRelay implements AutoCloseable {
    /** The JVM flags of README's run command. */
    public static final List<String> README_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

    private final Process process;
    private final Path output;
    private final int port;

    private ChildKeyRelay(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** Starts KeyRelay on a free port over {@code dataDir} with {@code env} on top of test defaults. */
    public static ChildKeyRelay start(Path dataDir, Map<String, String> env) {
        return start(dataDir, env, "io.keyrelay.app.Main");
    }

    /** {@link #start(Path, Map)} with another main class (one that starts KeyRelay with a test hook, say). */
    public static ChildKeyRelay start(Path dataDir, Map<String, String> env, String mainClass, String... args) {
        try {
            int port = freePort();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(README_FLAGS);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
            command.addAll(List.of(args));
            Path output = dataDir.resolve("child.out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            Map<String, String> e = builder.environment();
            e.put("KEYRELAY_PORT", Integer.toString(port));
            e.put("KEYRELAY_HOST", "127.0.0.1");
            e.put("KEYRELAY_DATA_DIR", dataDir.toString());
            e.put("KEYRELAY_ADMIN_TOKEN", RelayFixture.ADMIN_TOKEN);
            e.put("KEYRELAY_INSTANCE_ID", "child");
            e.put("KEYRELAY_EVENT_LOOPS", "2");
            e.put("KEYRELAY_SHUTDOWN_GRACE", "1s");
            e.putAll(env);
            ChildKeyRelay child = new ChildKeyRelay(builder.start(), output, port);
            waitUntil(() -> child.accepts() || !child.alive(), "the child listens", Duration.ofSeconds(60));
            if (!child.alive()) {
                throw new AssertionError("the child exited at start:\n" + child.output());
            }
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** What the child printed so far. */
    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The status of {@code GET path} over a fresh connection, or -1 when no answer came within {@code timeout}
     * (a process that is alive but stalled, say, by a full heap).
     */
    public int get(String path, Duration timeout) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) timeout.toMillis());
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            if (head.length < 12) {
                return -1;
            }
            return Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
