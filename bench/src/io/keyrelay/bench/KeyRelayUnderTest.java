package io.keyrelay.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * One KeyRelay under test: {@code keyrelay} from BENCH_JAR, and with BENCH_AB_JAR set {@code keyrelay-b} from that
 * jar (and the environment of BENCH_AB_ENV), each with its own port, its own seeded data directory and its own client key; both with the same JVM flags
 * and pinning, warmed up and settled alike.
 */
final class KeyRelayUnderTest {
    /** The target's name in the table, and its process's name (and log file). */
    final String target;
    /** How log lines name it: "KeyRelay" for the one under test, the target's name for the other. */
    final String label;
    final Path jar;
    final int port;
    final Path dataDir;
    /** Environment variables of its own, on top of those every KeyRelay under test gets. */
    final Map<String, String> env;
    /** Added to the names of the files of its own soak ("" for keyrelay). */
    final String suffix;
    /** The client key Seed wrote, once seeded. */
    String clientKey;
    /** Its process, once started. */
    Proc proc;
    /** How its settling went, for the report's header. */
    String settled = "";

    private KeyRelayUnderTest(String target, String label, Path jar, int port, Path dataDir, String suffix,
                              Map<String, String> env) {
        this.target = target;
        this.label = label;
        this.jar = jar;
        this.port = port;
        this.dataDir = dataDir;
        this.suffix = suffix;
        this.env = env;
    }

    /** {@code keyrelay} from BENCH_JAR. */
    static KeyRelayUnderTest primary(Settings s) {
        return new KeyRelayUnderTest("keyrelay", "KeyRelay", s.jar, s.relayPort, s.runDir.resolve("data"), "", Map.of());
    }

    /** {@code keyrelay-b} from BENCH_AB_JAR. */
    static KeyRelayUnderTest ab(Settings s) {
        return new KeyRelayUnderTest("keyrelay-b", "keyrelay-b", s.abJar, s.relayBPort, s.runDir.resolve("data-b"), "-b", s.abEnv);
    }

    String auth() {
        return "Bearer " + clientKey;
    }
}
