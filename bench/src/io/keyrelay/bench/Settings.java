package io.keyrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's settings, each read once from its {@code BENCH_*} environment variable (described in
 * docs/performance.md), and where the run's things are: its directory, the jars, the CPUs, the ports (all on
 * 127.0.0.1, counted from BENCH_BASE_PORT).
 */
final class Settings {
    final Path root;
    /** {@code bench/results/<date-time>/}: the report and every process's log. */
    final Path runDir;
    /** The KeyRelay jar under test (BENCH_JAR); the bench tools run on it too. */
    final Path jar;
    /** BENCH_AB_JAR: a second KeyRelay jar, measured as {@code keyrelay-b} in the same rounds; null when unset. */
    final Path abJar;
    /** BENCH_AB_ENV: {@code NAME=value} pairs (space-separated) set for keyrelay-b only, e.g. a feature switched off. */
    final Map<String, String> abEnv;
    final Path classes;
    final String proxyCpus;
    final String loadCpus;
    private final int basePort;
    final int upstreamPort;
    final int nginxPort;
    final int relayPort;
    final int relayBPort;
    final boolean floors;
    final int rpsSeconds;
    final int rpsRounds;
    final int sseSeconds;
    final int sseRounds;
    final int warmupSeconds;
    final int settleSeconds;
    final double settleJitShare;
    final double soakMinutes;
    /** BENCH_SOAK_RATE; NaN when unset (then half of KeyRelay's rps64). */
    private final double soakRate;
    final int soakStreams;
    final int chunks;
    final int intervalMs;
    final String relayJavaOpts;
    final String nginxAccessLog;
    final double quietCores;
    final long quietWaitSeconds;

    Settings(Path root) throws IOException {
        this.root = root;
        String stamp = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        this.runDir = root.resolve("bench/results/" + stamp);
        Files.createDirectories(runDir);
        this.jar = Path.of(env("BENCH_JAR", root.resolve("target/keyrelay.jar").toString())).toAbsolutePath();
        String ab = env("BENCH_AB_JAR", "");
        this.abJar = ab.isEmpty() ? null : Path.of(ab).toAbsolutePath();
        if (abJar != null && !Files.isRegularFile(abJar)) {
            throw new IllegalArgumentException("BENCH_AB_JAR: no such file " + abJar);
        }
        this.abEnv = pairs(env("BENCH_AB_ENV", ""));
        this.classes = root.resolve("bench/target/classes");
        this.proxyCpus = env("BENCH_PROXY_CPUS", "1");
        this.loadCpus = env("BENCH_LOAD_CPUS", "0");
        this.basePort = Integer.parseInt(env("BENCH_BASE_PORT", "18080"));
        this.upstreamPort = basePort + 1;
        this.nginxPort = basePort + 2;
        this.relayPort = basePort + 3;
        this.relayBPort = basePort + 4;
        this.floors = env("BENCH_FLOORS", "0").equals("1");
        this.rpsSeconds = Integer.parseInt(env("BENCH_RPS_SECONDS", "10"));
        this.rpsRounds = Math.max(1, Integer.parseInt(env("BENCH_RPS_ROUNDS", "3")));
        this.sseSeconds = Integer.parseInt(env("BENCH_SSE_SECONDS", "15"));
        this.sseRounds = Math.max(1, Integer.parseInt(env("BENCH_SSE_ROUNDS", "3")));
        this.warmupSeconds = Integer.parseInt(env("BENCH_WARMUP_SECONDS", "20"));
        this.settleSeconds = Integer.parseInt(env("BENCH_SETTLE_MAX_SECONDS", "240"));
        this.settleJitShare = Double.parseDouble(env("BENCH_SETTLE_JIT_SHARE", "0.02"));
        this.soakMinutes = Double.parseDouble(env("BENCH_SOAK_MINUTES", "10"));
        this.soakRate = Double.parseDouble(env("BENCH_SOAK_RATE", "NaN"));
        this.soakStreams = Integer.parseInt(env("BENCH_SOAK_STREAMS", "100"));
        this.chunks = Integer.parseInt(env("BENCH_SSE_CHUNKS", "50"));
        this.intervalMs = Integer.parseInt(env("BENCH_SSE_INTERVAL_MS", "20"));
        this.relayJavaOpts = env("BENCH_KEYRELAY_JAVA_OPTS", "");
        this.nginxAccessLog = env("BENCH_NGINX_ACCESS_LOG", "buffered");
        this.quietCores = Double.parseDouble(env("BENCH_QUIET_CORES", "0.3"));
        this.quietWaitSeconds = Long.parseLong(env("BENCH_QUIET_WAIT_SECONDS", "120"));
    }

    /** A floor's port: BENCH_BASE_PORT plus the floor's own offset. */
    int port(Floor floor) {
        return basePort + floor.portOffset;
    }

    /** The soak's offered rate: BENCH_SOAK_RATE, or half of KeyRelay's measured maximum. */
    double soakRate(double relayMax) {
        return Double.isNaN(soakRate) ? Math.floor(relayMax / 2) : soakRate;
    }

    /** How many CPUs the proxies are pinned to: KeyRelay's event loops and nginx's workers. */
    int proxyCpuCount() {
        int n = 0;
        for (String part : proxyCpus.split(",")) {
            String[] range = part.split("-");
            n += range.length == 2 ? Integer.parseInt(range[1].trim()) - Integer.parseInt(range[0].trim()) + 1 : 1;
        }
        return Math.max(1, n);
    }

    /** The bench tools' class path: the KeyRelay jar under test and bench/src's classes. */
    String classPath() {
        return jar + ":" + classes;
    }

    private static Map<String, String> pairs(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (pair.isEmpty()) {
                continue;
            }
            if (eq <= 0) {
                throw new IllegalArgumentException("BENCH_AB_ENV: expected NAME=value, got " + pair);
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
