package io.keyrelay.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark run: starts the fast fake upstream, KeyRelay (seeded embedded database) and nginx (when installed),
 * pins them to cores, warms KeyRelay up, measures each scenario against direct, nginx and KeyRelay, and prints one
 * table. Driven by {@code bench/run.sh}; settings come from {@code BENCH_*} environment variables (see
 * docs/performance.md). Every wait and every load run is bounded in time.
 */
public final class Bench {
    static final List<String> ORDER = List.of("rps1", "rps64", "sse200", "sse2000", "soak",
            "rps64-faults", "sse200-faults", "sse2000-faults");
    static final List<String> DEFAULT = List.of("rps1", "rps64", "sse200", "sse2000",
            "rps64-faults", "sse200-faults", "sse2000-faults");

    private final Path root;
    private final Path runDir;
    private final Path jar;
    private final Path classes;
    private final String proxyCpus;
    private final String loadCpus;
    private final int upstreamPort;
    private final int nginxPort;
    private final int relayPort;
    private final boolean floors;
    private final int nettyFloorPort;
    private final int vertxFloorPort;
    private final int rpsSeconds;
    private final int sseSeconds;
    private final int warmupSeconds;
    private final int settleSeconds;
    private final int rpsRounds;
    private final int sseRounds;
    private final double settleJitShare;
    private String settled = "";
    private final double soakMinutes;
    private final int chunks;
    private final int intervalMs;
    private final String relayJavaOpts;
    private final String nginxAccessLog;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Proc> procs = new ArrayList<>();
    private Proc upstream;
    private Proc relay;
    private Proc nginx;
    /** The proxies under test by target name (nginx, the floors, keyrelay), for their CPU and memory. */
    private final Map<String, Proc> proxies = new LinkedHashMap<>();
    private String clientKey;
    private double relayRps64 = Double.NaN;

    /** One line of the table. */
    record Row(String scenario, String target, double rps, double p50, double p99, double cpuUsPerReq,
               double peakRssMb, double otherLoad, String notes) {
    }

    private Bench(Path root) throws IOException {
        this.root = root;
        String stamp = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        this.runDir = root.resolve("bench/results/" + stamp);
        Files.createDirectories(runDir);
        this.jar = Path.of(env("BENCH_JAR", root.resolve("target/keyrelay.jar").toString())).toAbsolutePath();
        this.classes = root.resolve("bench/target/classes");
        this.proxyCpus = env("BENCH_PROXY_CPUS", "1");
        this.loadCpus = env("BENCH_LOAD_CPUS", "0");
        int base = Integer.parseInt(env("BENCH_BASE_PORT", "18080"));
        this.upstreamPort = base + 1;
        this.nginxPort = base + 2;
        this.relayPort = base + 3;
        this.floors = env("BENCH_FLOORS", "0").equals("1");
        this.nettyFloorPort = base + 5;
        this.vertxFloorPort = base + 6;
        this.rpsSeconds = Integer.parseInt(env("BENCH_RPS_SECONDS", "10"));
        this.rpsRounds = Math.max(1, Integer.parseInt(env("BENCH_RPS_ROUNDS", "3")));
        this.sseSeconds = Integer.parseInt(env("BENCH_SSE_SECONDS", "15"));
        this.sseRounds = Math.max(1, Integer.parseInt(env("BENCH_SSE_ROUNDS", "3")));
        this.warmupSeconds = Integer.parseInt(env("BENCH_WARMUP_SECONDS", "20"));
        this.settleSeconds = Integer.parseInt(env("BENCH_SETTLE_MAX_SECONDS", "240"));
        this.settleJitShare = Double.parseDouble(env("BENCH_SETTLE_JIT_SHARE", "0.02"));
        this.soakMinutes = Double.parseDouble(env("BENCH_SOAK_MINUTES", "10"));
        this.chunks = Integer.parseInt(env("BENCH_SSE_CHUNKS", "50"));
        this.intervalMs = Integer.parseInt(env("BENCH_SSE_INTERVAL_MS", "20"));
        this.relayJavaOpts = env("BENCH_KEYRELAY_JAVA_OPTS", "");
        this.nginxAccessLog = env("BENCH_NGINX_ACCESS_LOG", "buffered");
    }

    /** The floors' target names (BENCH_FLOORS=1), in the order they are measured. */
    static final List<String> FLOORS = List.of("floor-netty", "floor-vertx");

    static final int MAX_STREAMS = 5_000;

    /** N for a scenario named sse&lt;N&gt; (N concurrent streams, 1 to {@link #MAX_STREAMS}); 0 for any other name. */
    static int streamCount(String scenario) {
        if (!scenario.matches("sse[0-9]{1,4}")) {
            return 0;
        }
        int n = Integer.parseInt(scenario.substring(3));
        return n <= MAX_STREAMS ? n : 0;
    }

    public static void main(String[] args) throws Exception {
        Set<String> asked = new LinkedHashSet<>();
        for (String a : args) {
            if (a.equals("all")) {
                asked.addAll(ORDER);
            } else if (a.equals("faults")) {
                asked.addAll(List.of("rps64-faults", "sse200-faults", "sse2000-faults"));
            } else if (ORDER.contains(a) || streamCount(a) > 0) {
                asked.add(a);
            } else {
                System.err.println("unknown scenario '" + a + "'; known: " + String.join(" ", ORDER)
                        + " all faults, and sse<N> for N streams (1 to " + MAX_STREAMS + ")");
                System.exit(2);
            }
        }
        if (asked.isEmpty()) {
            asked.addAll(DEFAULT);
        }
        // the named scenarios in their usual order, then any other stream counts as asked (a load sweep)
        List<String> scenarios = new ArrayList<>(ORDER.stream().filter(asked::contains).toList());
        asked.stream().filter(a -> !ORDER.contains(a)).forEach(scenarios::add);
        Bench bench = new Bench(Path.of(".").toAbsolutePath().normalize());
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
        int rc = 0;
        try {
            bench.run(scenarios);
        } catch (Exception e) {
            e.printStackTrace();
            rc = 1;
        } finally {
            bench.stopAll();
        }
        System.exit(rc);
    }

    private void run(List<String> scenarios) throws Exception {
        log("run directory " + runDir);
        log("proxies on CPU " + proxyCpus + ", upstream and load generators on CPU " + loadCpus);
        startUpstream();
        startRelay();
        startNginx();
        startFloors();
        warmUp(scenarios);
        for (String s : scenarios) {
            log("---- scenario " + s);
            switch (s) {
                case "rps1" -> rps(s, 1, false);
                case "rps64" -> rps(s, 64, false);
                case "sse200" -> sse(s, 200, false);
                case "sse2000" -> sse(s, 2000, false);
                case "soak" -> soak();
                case "rps64-faults" -> rps(s, 64, true);
                case "sse200-faults" -> sse(s, 200, true);
                case "sse2000-faults" -> sse(s, 2000, true);
                default -> sse(s, streamCount(s), false);
            }
        }
        String report = report(scenarios);
        Files.writeString(runDir.resolve("report.md"), report);
        System.out.println();
        System.out.println(report);
        log("report written to " + runDir.resolve("report.md"));
    }

    // ---------------- processes ----------------

    private void startUpstream() throws Exception {
        upstream = start("upstream", loadCpus, List.of(java(), "-Xms256m", "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", cp(), "io.keyrelay.bench.FastUpstream", Integer.toString(upstreamPort), "1",
                Integer.toString(chunks), Integer.toString(intervalMs)), Map.of());
        awaitPort(upstreamPort, upstream, 30);
    }

    private void startRelay() throws Exception {
        Path data = runDir.resolve("data");
        Proc seed = start("seed", loadCpus, List.of(java(), "-cp", cp(), "io.keyrelay.bench.Seed", data.toString()), Map.of());
        if (!seed.process.waitFor(120, TimeUnit.SECONDS) || seed.process.exitValue() != 0) {
            throw new IllegalStateException("seeding failed; see " + seed.log);
        }
        procs.remove(seed);
        clientKey = Files.readString(data.resolve("client-key")).trim();
        Map<String, String> env = new LinkedHashMap<>();
        String up = "http://127.0.0.1:" + upstreamPort;
        env.put("KEYRELAY_HOST", "127.0.0.1");
        env.put("KEYRELAY_PORT", Integer.toString(relayPort));
        env.put("KEYRELAY_DATA_DIR", data.toString());
        env.put("KEYRELAY_ADMIN_TOKEN", "bench-admin-token-0123456789");
        env.put("KEYRELAY_INSTANCE_ID", "bench");
        env.put("KEYRELAY_EVENT_LOOPS", Integer.toString(cpuCount(proxyCpus)));
        env.put("KEYRELAY_PRIMARY_MESSAGES_URL", up + "/primary/v1/messages");
        env.put("KEYRELAY_PRIMARY_COMPLETIONS_URL", up + "/primary/v1/chat/completions");
        env.put("KEYRELAY_FAILOVER_MESSAGES_URL", up + "/failover/v1/messages");
        env.put("KEYRELAY_FAILOVER_COMPLETIONS_URL", up + "/failover/v1/chat/completions");
        env.put("KEYRELAY_SHUTDOWN_GRACE", "2s");
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        for (String o : relayJavaOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.addAll(List.of("-jar", jar.toString()));
        log("KeyRelay JVM options: " + (relayJavaOpts.isBlank() ? "(none)" : relayJavaOpts));
        relay = start("keyrelay", proxyCpus, cmd, env);
        awaitPort(relayPort, relay, 60);
        proxies.put("keyrelay", relay);
    }

    private void startNginx() throws Exception {
        String bin = which("nginx");
        if (bin == null) {
            notes.add("nginx is not installed (apt-get install -y nginx): no reference proxy in this run");
            log("nginx not found; skipping the reference proxy");
            return;
        }
        Path dir = runDir.resolve("nginx");
        Files.createDirectories(dir.resolve("tmp"));
        String template = Files.readString(root.resolve("bench/nginx.conf"));
        String access = nginxAccessLog.equals("off") ? "access_log off;"
                : "access_log " + dir.resolve("access.log") + " combined buffer=256k flush=1s;";
        String conf = template
                .replace("@WORKERS@", Integer.toString(cpuCount(proxyCpus)))
                .replace("@DIR@", dir.toString())
                .replace("@ACCESS_LOG@", access)
                .replace("@LISTEN@", Integer.toString(nginxPort))
                .replace("@UPSTREAM@", Integer.toString(upstreamPort));
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = start("nginx", proxyCpus, List.of(bin, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString()), Map.of());
        awaitPort(nginxPort, nginx, 20);
        proxies.put("nginx", nginx);
    }

    /**
     * With BENCH_FLOORS=1, the two floors (see {@link NettyFloor} and {@link VertxFloor}) run on the proxies' CPU
     * with KeyRelay's heap: what KeyRelay's stack costs before any gateway logic, measured beside nginx and KeyRelay.
     */
    private void startFloors() throws Exception {
        if (!floors) {
            return;
        }
        for (String target : FLOORS) {
            Endpoint e = endpoint(target);
            String main = target.equals("floor-netty") ? "io.keyrelay.bench.NettyFloor" : "io.keyrelay.bench.VertxFloor";
            Proc p = start(target, proxyCpus, List.of(java(), "-Xms256m", "-Xmx256m", "-cp", cp(), main,
                    Integer.toString(e.port()), Integer.toString(upstreamPort)), Map.of());
            awaitPort(e.port(), p, 30);
            proxies.put(target, p);
        }
    }

    private Proc start(String name, String cpus, List<String> cmd, Map<String, String> env) throws IOException {
        List<String> full = new ArrayList<>();
        if (which("taskset") != null && !cpus.isBlank()) {
            full.addAll(List.of("taskset", "-c", cpus));
        }
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        Path logFile = runDir.resolve(name + ".log");
        pb.redirectOutput(logFile.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        Proc proc = new Proc(name, p, logFile);
        procs.add(proc);
        return proc;
    }

    private void stopAll() {
        for (Proc p : new ArrayList<>(procs)) {
            if (p.process.isAlive()) {
                p.process.descendants().forEach(ProcessHandle::destroy);
                p.process.destroy();
                try {
                    if (!p.process.waitFor(15, TimeUnit.SECONDS)) {
                        p.process.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        procs.clear();
    }

    // ---------------- warm-up ----------------

    private void warmUp(List<String> scenarios) throws Exception {
        log("warming KeyRelay up for " + warmupSeconds + " s (non-streaming), then SSE");
        wrk(relayUrl("/v1/messages"), 64, warmupSeconds, relayAuth(), null);
        loadClient(relayBase(), "/v1/messages", "/v1/chat/completions", relayAuth(), null,
                List.of("mode=sse", "concurrency=200", "ramp=1", "duration=" + Math.max(5, warmupSeconds / 2)), 60);
        wrk(relayUrl("/v1/messages"), 1, 10, relayAuth(), null); // one connection has code paths of its own to compile
        if (scenarios.stream().anyMatch(s -> s.endsWith("-faults"))) {
            // the refusal paths (429 read, cool-down, retry on another key) get compiled too, as in a gateway that
            // has met rate limits before; 429 only, so no pool key is exhausted or rotated before the measurement
            log("warming KeyRelay's refusal paths up: the first 30 pool keys answer 429");
            get("/_bench/faults?on=true&only=429");
            wrk(relayUrl("/v1/messages"), 64, Math.max(5, warmupSeconds / 2), relayAuth(), null);
            loadClient(relayBase(), "/v1/messages", "/v1/chat/completions", relayAuth(), null,
                    List.of("mode=sse", "concurrency=200", "ramp=1", "duration=5"), 60);
            setFaults(false);
            Thread.sleep(2_000); // Retry-After: 1 has passed for every cooled key
        }
        if (nginx != null) {
            wrk(nginxUrl("/primary/v1/messages"), 64, 2, null, "sk-bench-direct");
        }
        if (floors) {
            for (String target : FLOORS) {
                log("warming " + target + " up for " + warmupSeconds + " s (non-streaming), then SSE");
                Endpoint e = endpoint(target);
                wrk(e.base() + e.messages(), 64, warmupSeconds, e.auth(), e.apiKey());
                loadClient(e.base(), e.messages(), e.completions(), e.auth(), e.apiKey(),
                        List.of("mode=sse", "concurrency=200", "ramp=1", "duration=" + Math.max(5, warmupSeconds / 2)), 60);
                wrk(e.base() + e.messages(), 1, 5, e.auth(), e.apiKey());
            }
        }
        wrk(directUrl("/primary/v1/messages"), 64, 2, null, "sk-bench-direct");
        loadClient("http://127.0.0.1:" + upstreamPort, "/primary/v1/messages", "/primary/v1/chat/completions", null,
                "sk-bench-direct", List.of("mode=sse", "concurrency=200", "ramp=1", "duration=3"), 60);
        settle(scenarios.stream().anyMatch(s -> s.endsWith("-faults")));
    }

    /**
     * Goes on warming KeyRelay up until its JIT compilers are quiet: rounds of the scenarios' traffic, in short runs
     * whose connections open and close (a connection's end takes code paths of its own, and a compiled method that
     * meets a path it has never seen is thrown away and compiled again), until the compiler threads used less than
     * BENCH_SETTLE_JIT_SHARE of a core during a round, for at most BENCH_SETTLE_MAX_SECONDS. Some of KeyRelay's code
     * gets hot by time rather than by traffic (the usage flush every 2 s, the pool reload every 5 s, metrics windows
     * rotating), so a fixed warm-up leaves the compilers at work during the measurements: up to a fifth of the core
     * in a 5 s window, which the proxy then lacks. With a faults scenario ahead, each round also runs 3 s at 64
     * connections while the first 30 pool keys answer 429.
     */
    private void settle(boolean faults) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(settleSeconds);
        int rounds = 0;
        double share = Double.NaN;
        while (System.nanoTime() < deadline) {
            rounds++;
            long jit0 = relay.compilerTicks();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                wrk(relayUrl("/v1/messages"), 64, 3, relayAuth(), null);
            }
            loadClient(relayBase(), "/v1/messages", "/v1/chat/completions", relayAuth(), null,
                    List.of("mode=sse", "concurrency=200", "ramp=1", "duration=3"), 60);
            wrk(relayUrl("/v1/messages"), 1, 2, relayAuth(), null);
            if (faults) {
                get("/_bench/faults?on=true&only=429");
                wrk(relayUrl("/v1/messages"), 64, 3, relayAuth(), null);
                setFaults(false);
            }
            share = (relay.compilerTicks() - jit0) / ((System.nanoTime() - t0) / 1e9 * ticksPerSecond());
            log(String.format(Locale.ROOT, "settling round %d: KeyRelay's JIT compilers used %.1f%% of the core", rounds,
                    100 * share));
            if (share < settleJitShare) {
                break;
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        if (rounds == 0) {
            settled = "without settling (BENCH_SETTLE_MAX_SECONDS=" + settleSeconds + ")";
            return;
        }
        settled = String.format(Locale.ROOT, "then %d s in %d rounds until its JIT compilers used %.1f%% of the core%s",
                seconds, rounds, 100 * share, share < settleJitShare ? "" : " (still above the "
                        + String.format(Locale.ROOT, "%.0f%%", 100 * settleJitShare) + " aimed at: stopped at the limit)");
        log("KeyRelay settled: " + settled);
    }

    // ---------------- scenarios ----------------

    /**
     * Small non-streaming requests: BENCH_RPS_ROUNDS rounds of direct, nginx and KeyRelay in turn, each target's row
     * the round with its median throughput. Taking the targets in turn, round after round, gives each the same share
     * of the VM's slow and fast minutes (its throughput drifts by ±10 % over a few minutes, which would otherwise
     * fall on whichever target ran then).
     */
    private void rps(String scenario, int connections, boolean faults) throws Exception {
        Map<String, List<Row>> byTarget = new LinkedHashMap<>();
        Map<String, Long> errors = new LinkedHashMap<>();
        for (int round = 1; round <= rpsRounds; round++) {
            for (String target : targets()) {
                RpsRound r = rpsRound(scenario, target, connections, faults);
                byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(r.row());
                errors.merge(target, r.errors(), Long::sum);
            }
        }
        for (Map.Entry<String, List<Row>> e : byTarget.entrySet()) {
            List<Row> runs = e.getValue();
            // a failed request in any round counts, not only in the median one
            Row median = medianRound(runs, Row::rps, "median of " + runs.size() + " rounds (req/s "
                    + each(runs, r -> String.format(Locale.ROOT, "%.0f", r.rps())) + "; "
                    + errors.get(e.getKey()) + " errors in all rounds)");
            rows.add(median);
            if (scenario.equals("rps64") && e.getKey().equals("keyrelay")) {
                relayRps64 = median.rps();
            }
        }
    }

    /** The run of median {@code by} among a target's rounds, {@code note} put before its own when there are several. */
    private static Row medianRound(List<Row> runs, java.util.function.ToDoubleFunction<Row> by, String note) {
        List<Row> sorted = runs.stream().sorted(java.util.Comparator.comparingDouble(by)).toList();
        Row median = sorted.get(sorted.size() / 2);
        if (runs.size() == 1) {
            return median;
        }
        return new Row(median.scenario(), median.target(), median.rps(), median.p50(), median.p99(),
                median.cpuUsPerReq(), median.peakRssMb(), median.otherLoad(),
                median.notes() == null || median.notes().isEmpty() ? note : note + "; " + median.notes());
    }

    private static String each(List<Row> runs, java.util.function.Function<Row, String> figure) {
        return runs.stream().map(figure).collect(java.util.stream.Collectors.joining(", "));
    }

    record RpsRound(Row row, long errors) {
    }

    private RpsRound rpsRound(String scenario, String target, int connections, boolean faults) throws Exception {
        setFaults(faults);
        awaitQuiet();
        long refusedBefore = faults ? stats().getLong("refused", 0L) : 0;
        Sample before = sample(target);
        Endpoint e = endpoint(target);
        WrkResult r = wrk(e.base() + e.messages(), connections, rpsSeconds, e.auth(), e.apiKey());
        Sample after = sample(target);
        long refused = faults ? stats().getLong("refused", 0L) - refusedBefore : 0;
        setFaults(false);
        String note = r.errors() == 0 ? "" : r.errors() + " errors (" + r.detail + ")";
        if (faults && target.equals("keyrelay")) {
            note = (note.isEmpty() ? "0 errors" : note) + "; upstream refused " + refused + " attempts (429/402) during the run";
        }
        return new RpsRound(row(scenario, target, r.rps(), r.p50Ms, r.p99Ms, r.requests, before, after, note), r.errors());
    }

    /**
     * SSE streams: BENCH_SSE_ROUNDS rounds of direct, nginx and KeyRelay in turn, each target's row the round with its
     * median first-chunk p99. A single run's p99 moves by a factor of two from run to run on this VM, for the
     * reference proxy as much as for KeyRelay; streams cut short, chunks lost and errors count over all rounds.
     */
    private void sse(String scenario, int concurrency, boolean faults) throws Exception {
        Map<String, List<Row>> byTarget = new LinkedHashMap<>();
        Map<String, long[]> failures = new LinkedHashMap<>(); // incomplete streams, chunks lost, errors
        for (int round = 1; round <= sseRounds; round++) {
            for (String target : targets()) {
                SseRound r = sseRound(scenario, target, concurrency, faults);
                byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(r.row());
                long[] f = failures.computeIfAbsent(target, t -> new long[3]);
                f[0] += r.incomplete();
                f[1] += r.lostChunks();
                f[2] += r.errors();
            }
        }
        for (Map.Entry<String, List<Row>> e : byTarget.entrySet()) {
            List<Row> runs = e.getValue();
            long[] f = failures.get(e.getKey());
            rows.add(medianRound(runs, Row::p99, "median first-chunk p99 of " + runs.size() + " rounds (p99 ms "
                    + each(runs, r -> String.format(Locale.ROOT, "%.1f", r.p99())) + "; streams/s "
                    + each(runs, r -> String.format(Locale.ROOT, "%.0f", r.rps())) + "; in all rounds " + f[0]
                    + " streams incomplete, " + f[1] + " chunks lost, " + f[2] + " errors)"));
        }
    }

    record SseRound(Row row, long incomplete, long lostChunks, long errors) {
    }

    private SseRound sseRound(String scenario, String target, int concurrency, boolean faults) throws Exception {
        setFaults(faults);
        awaitQuiet();
        Sample before = sample(target);
        List<String> extra = List.of("mode=sse", "concurrency=" + concurrency, "ramp=" + (concurrency >= 1000 ? 3 : 1),
                "duration=" + sseSeconds, "chunks=" + chunks);
        Endpoint e = endpoint(target);
        JsonObject r = loadClient(e.base(), e.messages(), e.completions(), e.auth(), e.apiKey(), extra, sseSeconds + 60);
        Sample after = sample(target);
        setFaults(false);
        String note = String.format(Locale.ROOT, "chunk delay p50/p99 %.2f/%.2f ms, worst gap %.1f ms, %d/%d streams complete, %d chunks lost, %d errors%s",
                r.getDouble("chunkDelayP50Ms"), r.getDouble("chunkDelayP99Ms"), r.getDouble("worstGapMs"),
                r.getLong("completed"), r.getLong("started"), r.getLong("lostChunks"), r.getLong("errors"),
                r.getJsonObject("statuses").size() > 1 ? " statuses " + r.getJsonObject("statuses").encode() : "");
        Row row = row(scenario, target, r.getDouble("streamsPerSecond"), r.getDouble("firstChunkP50Ms"),
                r.getDouble("firstChunkP99Ms"), r.getLong("completed") + r.getLong("incomplete"), before, after, note);
        return new SseRound(row, r.getLong("incomplete"), r.getLong("lostChunks"), r.getLong("errors"));
    }

    private void soak() throws Exception {
        double max = relayRps64;
        if (Double.isNaN(max)) {
            log("soak: measuring KeyRelay's maximum first (64 connections, " + rpsSeconds + " s)");
            max = wrk(relayUrl("/v1/messages"), 64, rpsSeconds, relayAuth(), null).rps();
        }
        double rate = Double.parseDouble(env("BENCH_SOAK_RATE", Double.toString(Math.floor(max / 2))));
        int streams = Integer.parseInt(env("BENCH_SOAK_STREAMS", "100"));
        long seconds = Math.round(soakMinutes * 60);
        log(String.format(Locale.ROOT, "soak: %.0f req/s + %d SSE streams for %d s", rate, streams, seconds));
        awaitQuiet();
        Sample before = sample("keyrelay");
        Process p = loadProcess(relayBase(), "/v1/messages", "/v1/chat/completions", relayAuth(), null,
                List.of("mode=rate", "rate=" + rate, "streams=" + streams, "duration=" + seconds, "report=60",
                        "chunks=" + chunks), "soak-load");
        List<double[]> rss = new ArrayList<>(); // {seconds, MB}
        long t0 = System.nanoTime();
        double heapStart = Double.NaN;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds + 60);
        while (p.isAlive() && System.nanoTime() < deadline) {
            p.waitFor(10, TimeUnit.SECONDS);
            double at = (System.nanoTime() - t0) / 1e9;
            if (p.isAlive()) {
                rss.add(new double[]{at, relay.rssMb()});
                if (Double.isNaN(heapStart) && at >= 60) {
                    heapStart = heapAfterFullGc();
                }
            }
        }
        if (p.isAlive()) {
            p.destroyForcibly();
        }
        double heapEnd = heapAfterFullGc();
        Sample after = sample("keyrelay");
        String out = Files.readString(runDir.resolve("soak-load.log"));
        JsonObject r = result(out);
        List<double[]> steady = rss.stream().filter(s -> s[0] >= 60).toList();
        double slope = slopePerMinute(steady.isEmpty() ? rss : steady);
        long leaks;
        try (var lines = Files.lines(relay.log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            leaks = lines.filter(l -> l.contains("LEAK:")).count(); // the log holds a line per request: stream it
        }
        StringBuilder detail = new StringBuilder("\n### Soak detail\n\n| t (s) | KeyRelay RSS (MB) |\n|---|---|\n");
        for (double[] s : rss) {
            detail.append(String.format(Locale.ROOT, "| %.0f | %.1f |%n", s[0], s[1]));
        }
        detail.append("\nLoad client windows:\n\n```\n");
        out.lines().filter(l -> l.startsWith("WINDOW")).forEach(l -> detail.append(l).append('\n'));
        detail.append("```\n");
        soakDetail = detail.toString();
        String note = String.format(Locale.ROOT, "%.0f req/s offered + %d streams, %.1f min: RSS %+.2f MB/min after minute 1, "
                        + "heap after full GC %.1f → %.1f MB, %d errors, %d skipped, %d streams incomplete, %d Netty LEAK reports",
                rate, streams, soakMinutes, slope, heapStart, heapEnd, r.getLong("requestErrors"), r.getLong("skipped"),
                r.getLong("streamsIncomplete"), leaks);
        rows.add(row("soak", "keyrelay", r.getDouble("requestsPerSecond"), r.getDouble("p50Ms"), r.getDouble("p99Ms"),
                r.getLong("requests") + r.getLong("streamsCompleted"), before, after, note));
    }

    private String soakDetail = "";

    private List<String> targets() {
        List<String> targets = new ArrayList<>(List.of("direct"));
        if (nginx != null) {
            targets.add("nginx");
        }
        if (floors) {
            targets.addAll(FLOORS);
        }
        targets.add("keyrelay");
        return targets;
    }

    /** Where a target is reached: KeyRelay with its client key, the others at the fake upstream's own paths. */
    record Endpoint(int port, String messages, String completions, String auth, String apiKey) {
        String base() {
            return "http://127.0.0.1:" + port;
        }
    }

    private Endpoint endpoint(String target) {
        int port = switch (target) {
            case "direct" -> upstreamPort;
            case "nginx" -> nginxPort;
            case "floor-netty" -> nettyFloorPort;
            case "floor-vertx" -> vertxFloorPort;
            case "keyrelay" -> relayPort;
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        return target.equals("keyrelay")
                ? new Endpoint(port, "/v1/messages", "/v1/chat/completions", relayAuth(), null)
                : new Endpoint(port, "/primary/v1/messages", "/primary/v1/chat/completions", null, "sk-bench-direct");
    }

    // ---------------- load tools ----------------

    record WrkResult(long requests, double seconds, double p50Ms, double p99Ms, long nonOk, long socketErrors, String detail) {
        double rps() {
            return requests / seconds;
        }

        long errors() {
            return nonOk + socketErrors;
        }
    }

    private static final Pattern WRK = Pattern.compile("WRK requests=(\\d+) duration_us=(\\d+) p50_us=(\\d+) p99_us=(\\d+) "
            + "max_us=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) status=(\\d+) timeout=(\\d+)");

    private WrkResult wrk(String url, int connections, int seconds, String auth, String apiKey) throws Exception {
        String bin = which("wrk");
        if (bin == null) {
            throw new IllegalStateException("wrk is not installed: apt-get install -y wrk (bench/run.sh does it)");
        }
        List<String> cmd = new ArrayList<>();
        if (which("taskset") != null) {
            cmd.addAll(List.of("taskset", "-c", loadCpus));
        }
        cmd.addAll(List.of(bin, "-t1", "-c" + connections, "-d" + seconds + "s", "--timeout", "10s",
                "-s", root.resolve("bench/wrk-post.lua").toString(), url));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("BENCH_AUTH", auth == null ? "" : auth);
        pb.environment().put("BENCH_API_KEY", apiKey == null ? "" : apiKey);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        Files.writeString(runDir.resolve("wrk.log"), url + " -c" + connections + "\n" + out + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Matcher m = WRK.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk printed no result:\n" + out);
        }
        long socketErrors = Long.parseLong(m.group(6)) + Long.parseLong(m.group(7)) + Long.parseLong(m.group(8))
                + Long.parseLong(m.group(10));
        String detail = "non-2xx " + m.group(9) + ", connect " + m.group(6) + ", read " + m.group(7) + ", write " + m.group(8)
                + ", timeout " + m.group(10);
        return new WrkResult(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) / 1e6, Long.parseLong(m.group(3)) / 1e3,
                Long.parseLong(m.group(4)) / 1e3, Long.parseLong(m.group(9)), socketErrors, detail);
    }

    private JsonObject loadClient(String base, String messages, String completions, String auth, String apiKey,
                                  List<String> extra, int timeoutSeconds) throws Exception {
        String name = "load-" + System.nanoTime();
        Process p = loadProcess(base, messages, completions, auth, apiKey, extra, name);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("load client did not finish; see " + runDir.resolve(name + ".log"));
        }
        Path logFile = runDir.resolve(name + ".log");
        JsonObject r = result(Files.readString(logFile));
        Files.delete(logFile);
        return r;
    }

    private Process loadProcess(String base, String messages, String completions, String auth, String apiKey,
                                List<String> extra, String name) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (which("taskset") != null) {
            cmd.addAll(List.of("taskset", "-c", loadCpus));
        }
        cmd.addAll(List.of(java(), "-Xms512m", "-Xmx1g", "-XX:+UseSerialGC", "-cp", cp(), "io.keyrelay.bench.LoadClient",
                "url=" + base, "messages=" + messages, "completions=" + completions));
        if (auth != null) {
            cmd.add("auth=" + auth);
        }
        if (apiKey != null) {
            cmd.add("apiKey=" + apiKey);
        }
        cmd.addAll(extra);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(runDir.resolve(name + ".log").toFile()).start();
    }

    private static JsonObject result(String out) {
        return out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .map(l -> new JsonObject(l.substring(7)))
                .orElseThrow(() -> new IllegalStateException("load client printed no result:\n" + out));
    }

    // ---------------- measurements ----------------

    /** CPU ticks of the proxy under test and of everything this run started, and the machine's, at one moment. */
    record Sample(long nanos, long targetTicks, long targetUserTicks, long targetJitTicks, long ourTicks, long busyTicks) {
    }

    private Sample sample(String target) throws IOException {
        Proc p = proxies.get(target);
        if (p != null) {
            p.resetPeakRss();
        }
        long ours = selfTicks();
        for (Proc q : procs) {
            ours += q.cpuTicks();
        }
        return new Sample(System.nanoTime(), p == null ? 0 : p.cpuTicks(), p == null ? 0 : p.userTicks(),
                p != null && p != nginx ? p.compilerTicks() : 0, ours, machineBusyTicks());
    }

    private Row row(String scenario, String target, double rps, double p50, double p99, long requests, Sample before,
                    Sample after, String note) throws IOException {
        Proc p = proxies.get(target);
        double cpuUs = p == null || requests == 0 ? Double.NaN : (after.targetTicks - before.targetTicks) * 1e6 / ticksPerSecond() / requests;
        double rss = p == null ? Double.NaN : p.peakRssMb();
        double wallTicks = (after.nanos - before.nanos) / 1e9 * ticksPerSecond();
        double other = ((after.busyTicks - before.busyTicks) - (after.ourTicks - before.ourTicks)) / wallTicks;
        if (p != null && requests > 0) {
            // user space (the proxy's own code) apart from the kernel (mostly loopback TCP, alike for both proxies)
            double userUs = (after.targetUserTicks - before.targetUserTicks) * 1e6 / ticksPerSecond() / requests;
            String split = String.format(Locale.ROOT, "CPU user/system %.1f/%.1f µs", userUs, cpuUs - userUs);
            if (p != nginx) { // a JVM
                split += String.format(Locale.ROOT, " (JIT compilers %.1f%% of the core)",
                        100 * (after.targetJitTicks - before.targetJitTicks) / wallTicks);
            }
            note = note == null || note.isEmpty() ? split : split + ", " + note;
        }
        log(String.format(Locale.ROOT, "%s %s: %.0f/s p50 %.3f ms p99 %.3f ms cpu %.1f us/req rss %.0f MB other load %.2f cores %s",
                scenario, target, rps, p50, p99, cpuUs, rss, other, note));
        return new Row(scenario, target, rps, p50, p99, cpuUs, rss, Math.max(0, other), note);
    }

    /** Waits (bounded) until processes this run did not start use less than BENCH_QUIET_CORES cores. */
    private void awaitQuiet() throws Exception {
        double limit = Double.parseDouble(env("BENCH_QUIET_CORES", "0.3"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(env("BENCH_QUIET_WAIT_SECONDS", "120")));
        while (true) {
            Sample a = sample("direct");
            Thread.sleep(2000);
            Sample b = sample("direct");
            double wall = (b.nanos - a.nanos) / 1e9 * ticksPerSecond();
            double other = ((b.busyTicks - a.busyTicks) - (b.ourTicks - a.ourTicks)) / wall;
            if (other <= limit) {
                return;
            }
            if (System.nanoTime() > deadline) {
                log(String.format(Locale.ROOT, "machine still busy (%.2f cores used by others); measuring anyway", other));
                return;
            }
            log(String.format(Locale.ROOT, "machine busy (%.2f cores used by others); waiting", other));
            Thread.sleep(5000);
        }
    }

    private double heapAfterFullGc() {
        try {
            String pid = Long.toString(relay.process.pid());
            run(List.of(jcmd(), pid, "GC.run"), 60);
            String info = run(List.of(jcmd(), pid, "GC.heap_info"), 60);
            Matcher m = Pattern.compile("(garbage-first heap|def new generation|tenured generation|PSYoungGen|ParOldGen|"
                    + "ZHeap|Shenandoah).*?used (\\d+)K").matcher(info);
            long usedK = 0;
            while (m.find()) {
                usedK += Long.parseLong(m.group(2));
            }
            return usedK / 1024.0;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static double slopePerMinute(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return Double.NaN;
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] p : points) {
            double x = p[0] / 60.0;
            sx += x;
            sy += p[1];
            sxx += x * x;
            sxy += x * p[1];
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    private void setFaults(boolean on) throws Exception {
        get("/_bench/faults?on=" + on);
    }

    private JsonObject stats() throws Exception {
        return new JsonObject(get("/_bench/stats"));
    }

    private String get(String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + upstreamPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    // ---------------- the table ----------------

    private String report(List<String> scenarios) throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("## KeyRelay benchmark, ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append("\n\n");
        sb.append("- machine: ").append(machine()).append('\n');
        sb.append("- pinning: proxies (nginx, KeyRelay) on CPU ").append(proxyCpus).append("; fake upstream, wrk and the load client on CPU ")
                .append(loadCpus).append('\n');
        sb.append("- KeyRelay: ").append(jar).append(", ").append(cpuCount(proxyCpus)).append(" event loop(s), JVM options `")
                .append(relayJavaOpts.isBlank() ? "(none)" : relayJavaOpts).append("`, ").append(javaVersion()).append('\n');
        if (nginx != null) {
            sb.append("- nginx: ").append(run(List.of(which("nginx"), "-v"), 10).trim()).append(", ").append(cpuCount(proxyCpus))
                    .append(" worker(s), proxy_buffering off, upstream keepalive, access log ").append(nginxAccessLog).append('\n');
        }
        if (floors) {
            sb.append("- floors (BENCH_FLOORS=1): floor-netty is the cheapest proxy of KeyRelay's stack (one Netty event ")
                    .append("loop, Netty's HTTP codecs both sides, a client connection paired with an upstream one); ")
                    .append("floor-vertx is Vert.x's server with KeyRelay's options and a bare Netty upstream client. ")
                    .append("Neither checks a key, reads usage or logs; both warmed up ").append(warmupSeconds)
                    .append(" s, with KeyRelay's heap\n");
        }
        sb.append("- non-streaming: wrk, 1 thread, ").append(rpsSeconds).append(" s per target and round, ").append(rpsRounds)
                .append(" rounds of the targets in turn, each row the round of median req/s; SSE: ").append(chunks)
                .append(" chunks ").append(intervalMs).append(" ms apart, ").append(sseSeconds)
                .append(" s per target and round after the ramp, ").append(sseRounds)
                .append(" rounds of the targets in turn, each row the round of median first-chunk p99; KeyRelay warmed up ").append(warmupSeconds).append(" s first, ")
                .append(settled).append('\n');
        sb.append("- req/s: requests (SSE: streams) per second; p50/p99: request latency (SSE: time to the first chunk); ")
                .append("CPU: the proxy's user+system CPU per request (SSE: per stream); other load: cores used by processes ")
                .append("this run did not start, during the measurement\n");
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        sb.append('\n');
        sb.append("| scenario | target | req/s | ×direct | ×nginx | p50 ms | p99 ms | p50 +direct | p99 +direct | p99 ×direct "
                + "| CPU µs/req | peak RSS MB | other load | notes |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String s : scenarios) {
            Row direct = find(s, "direct");
            Row ngx = find(s, "nginx");
            for (Row r : rows) {
                if (!r.scenario.equals(s)) {
                    continue;
                }
                sb.append("| ").append(r.scenario).append(" | ").append(r.target)
                        .append(" | ").append(fmt(r.rps, 0))
                        .append(" | ").append(direct == null ? "" : fmt(r.rps / direct.rps, 2))
                        .append(" | ").append(ngx == null ? "" : fmt(r.rps / ngx.rps, 2))
                        .append(" | ").append(fmt(r.p50, 3))
                        .append(" | ").append(fmt(r.p99, 3))
                        .append(" | ").append(direct == null || r == direct ? "" : signed(r.p50 - direct.p50))
                        .append(" | ").append(direct == null || r == direct ? "" : signed(r.p99 - direct.p99))
                        .append(" | ").append(direct == null || r == direct ? "" : fmt(r.p99 / direct.p99, 2))
                        .append(" | ").append(fmt(r.cpuUsPerReq, 1))
                        .append(" | ").append(fmt(r.peakRssMb, 0))
                        .append(" | ").append(fmt(r.otherLoad, 2))
                        .append(" | ").append(r.notes).append(" |\n");
            }
        }
        sb.append(soakDetail);
        return sb.toString();
    }

    private Row find(String scenario, String target) {
        return rows.stream().filter(r -> r.scenario.equals(scenario) && r.target.equals(target)).findFirst().orElse(null);
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.3f", v);
    }

    private String machine() throws IOException {
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        return Runtime.getRuntime().availableProcessors() + "×" + model + ", " + memKb / 1024 / 1024 + " GiB, Linux "
                + System.getProperty("os.version");
    }

    private String javaVersion() {
        try {
            String v = run(List.of(java(), "-version"), 20);
            return v.lines().findFirst().orElse("java").trim();
        } catch (Exception e) {
            return "java";
        }
    }

    // ---------------- helpers ----------------

    /** A process this run started. */
    static final class Proc {
        final String name;
        final Process process;
        final Path log;

        Proc(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        /** The real program's pid: taskset execs it, so it is the same pid; nginx adds its workers as children. */
        List<Long> pids() {
            List<Long> out = new ArrayList<>();
            out.add(process.pid());
            process.descendants().forEach(h -> out.add(h.pid()));
            return out;
        }

        long userTicks() {
            return ticks(false);
        }

        long cpuTicks() {
            return ticks(true);
        }

        /** User time of every process of it, with system time too when asked. */
        private long ticks(boolean withSystem) {
            long sum = 0;
            for (long pid : pids()) {
                String[] f = stat(pid);
                if (f != null) {
                    sum += Long.parseLong(f[11]) + (withSystem ? Long.parseLong(f[12]) : 0);
                }
            }
            return sum;
        }

        /** CPU of the JVM's JIT compiler threads (C1 and C2), from /proc/PID/task. */
        long compilerTicks() {
            long sum = 0;
            try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String s = Files.readString(task.resolve("stat"));
                        String comm = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
                        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                            sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return 0; // the process is gone
            }
            return sum;
        }

        void resetPeakRss() {
            for (long pid : pids()) {
                try {
                    Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
                } catch (IOException e) {
                    // not permitted here: the peak is then the peak since start
                }
            }
        }

        double peakRssMb() {
            return statusKb("VmHWM") / 1024.0;
        }

        double rssMb() {
            return statusKb("VmRSS") / 1024.0;
        }

        private long statusKb(String field) {
            long sum = 0;
            for (long pid : pids()) {
                try {
                    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                        if (l.startsWith(field + ":")) {
                            sum += Long.parseLong(l.replaceAll("\\D", ""));
                        }
                    }
                } catch (IOException e) {
                    // gone
                }
            }
            return sum;
        }
    }

    /** Fields of /proc/PID/stat after the command name: index 0 is the state, 11 utime, 12 stime, 13 cutime, 14 cstime. */
    static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /** This JVM's CPU and that of its finished children (wrk and load clients are reaped before a sample). */
    static long selfTicks() {
        String[] f = stat(ProcessHandle.current().pid());
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    static long machineBusyTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    }

    static double ticksPerSecond() {
        return 100.0; // USER_HZ on Linux
    }

    private static int cpuCount(String list) {
        int n = 0;
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            n += range.length == 2 ? Integer.parseInt(range[1].trim()) - Integer.parseInt(range[0].trim()) + 1 : 1;
        }
        return Math.max(1, n);
    }

    private void awaitPort(int port, Proc proc, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!proc.process.isAlive()) {
                throw new IllegalStateException(proc.name + " exited; see " + proc.log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                log(proc.name + " is up on port " + port);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(proc.name + " did not open port " + port + " within " + seconds + " s; see " + proc.log);
    }

    private static String run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    private static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private String jcmd() {
        Path p = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(p) ? p.toString() : "jcmd";
    }

    private String cp() {
        return jar + ":" + classes;
    }

    private String directUrl(String path) {
        return "http://127.0.0.1:" + upstreamPort + path;
    }

    private String nginxUrl(String path) {
        return "http://127.0.0.1:" + nginxPort + path;
    }

    private String relayBase() {
        return "http://127.0.0.1:" + relayPort;
    }

    private String relayUrl(String path) {
        return relayBase() + path;
    }

    private String relayAuth() {
        return "Bearer " + clientKey;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void log(String msg) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + msg);
        System.out.flush();
    }
}
