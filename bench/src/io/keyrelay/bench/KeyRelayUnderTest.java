package io.keyrelay.bench;

import java.nio.file.Path;

/**
 * One KeyRelay under test: {@code keyrelay} from BENCH_JAR, with its port, its seeded data directory and its client
 * key.
 */
final class KeyRelayUnderTest {
    /** The target's name in the table, and its process's name (and log file). */
    final String target;
    /** How log lines name it. */
    final String label;
    final Path jar;
    final int port;
    final Path dataDir;
    /** The client key Seed wrote, once seeded. */
    String clientKey;
    /** Its process, once started. */
    Proc proc;
    /** How its settling went, for the report's header. */
    String settled = "";

    private KeyRelayUnderTest(String target, String label, Path jar, int port, Path dataDir) {
        this.target = target;
        this.label = label;
        this.jar = jar;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** {@code keyrelay} from BENCH_JAR. */
    static KeyRelayUnderTest primary(Settings s) {
        return new KeyRelayUnderTest("keyrelay", "KeyRelay", s.jar, s.relayPort, s.runDir.resolve("data"));
    }

    String auth() {
        return "Bearer " + clientKey;
    }
}
