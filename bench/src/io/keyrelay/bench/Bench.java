package io.keyrelay.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The benchmark run: starts the fast fake upstream, KeyRelay (seeded embedded database; a second one from
 * BENCH_AB_JAR when set), nginx (when installed) and the floors (BENCH_FLOORS=1), pins them to cores, warms them up,
 * measures each scenario against every target in rounds, and prints one table. Driven by {@code bench/run.sh};
 * settings come from {@code BENCH_*} environment variables (see {@link Settings} and docs/performance.md). Every wait
 * and every load run is bounded in time.
 */
public final class Bench {
    static final List<String> ORDER = List.of("rps1", "rps64", "sse200", "sse2000", "burst200", "soak",
            "rps64-faults", "sse200-faults", "sse2000-faults");
    static final List<String> DEFAULT = List.of("rps1", "rps64", "sse200", "sse2000", "burst200",
            "rps64-faults", "sse200-faults", "sse2000-faults");
    static final int MAX_STREAMS = 5_000;
    /** burst200: that many new streams at once, each on a connection of its own (SPEC §8), this many times a round. */
    static final int BURST_STREAMS = 200;
    static final int BURSTS = 5;

    private final Settings settings;
    private final Processes processes;
    private final Targets targets;
    private final Wrk wrk;
    private final LoadClientRunner loadClient;
    private final UpstreamControl upstream;
    private final Sampler sampler;
    private final Report report;
    private final WarmUp warmUp;
    private final Soak soak;
    private final List<KeyRelayUnderTest> relays;
    private double relayRps64 = Double.NaN;

    private Bench(Path root) throws IOException {
        settings = new Settings(root);
        processes = new Processes(settings);
        List<KeyRelayUnderTest> all = new ArrayList<>(List.of(KeyRelayUnderTest.primary(settings)));
        if (settings.abJar != null) {
            all.add(KeyRelayUnderTest.ab(settings));
        }
        relays = List.copyOf(all);
        targets = new Targets(settings, processes, relays);
        wrk = new Wrk(settings);
        loadClient = new LoadClientRunner(settings);
        upstream = new UpstreamControl(settings);
        sampler = new Sampler(settings, processes);
        report = new Report(settings, processes, relays);
        warmUp = new WarmUp(settings, targets, relays, wrk, loadClient, upstream);
        soak = new Soak(settings, targets, relays, wrk, loadClient, sampler, report);
    }

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
        Runtime.getRuntime().addShutdownHook(new Thread(bench.processes::stopAll));
        int rc = 0;
        try {
            bench.run(scenarios);
        } catch (Exception e) {
            e.printStackTrace();
            rc = 1;
        } finally {
            bench.processes.stopAll();
        }
        System.exit(rc);
    }

    private void run(List<String> scenarios) throws Exception {
        log("run directory " + settings.runDir);
        log("proxies on CPU " + settings.proxyCpus + ", upstream and load generators on CPU " + settings.loadCpus);
        processes.startUpstream();
        for (KeyRelayUnderTest relay : relays) {
            processes.startRelay(relay);
        }
        if (!processes.startNginx()) {
            report.note("nginx is not installed (apt-get install -y nginx): no reference proxy in this run");
        }
        processes.startFloors();
        warmUp.run(scenarios);
        for (String s : scenarios) {
            log("---- scenario " + s);
            switch (s) {
                case "rps1" -> rps(s, 1, false);
                case "rps64" -> rps(s, 64, false);
                case "sse200" -> sse(s, 200, false);
                case "sse2000" -> sse(s, 2000, false);
                case "burst200" -> sse(s, BURST_STREAMS, false);
                case "soak" -> soak.run(relayRps64);
                case "rps64-faults" -> rps(s, 64, true);
                case "sse200-faults" -> sse(s, 200, true);
                case "sse2000-faults" -> sse(s, 2000, true);
                default -> sse(s, streamCount(s), false);
            }
        }
        String text = report.render(scenarios);
        Path file = settings.runDir.resolve("report.md");
        Files.writeString(file, text);
        System.out.println();
        System.out.println(text);
        log("report written to " + file);
    }

    /**
     * Small non-streaming requests: BENCH_RPS_ROUNDS rounds of every target in turn, each target's row the round with
     * its median throughput. Taking the targets in turn, round after round, gives each the same share of the VM's
     * slow and fast minutes (its throughput drifts by ±10 % over a few minutes, which would otherwise fall on
     * whichever target ran then).
     */
    private void rps(String scenario, int connections, boolean faults) throws Exception {
        Map<String, List<Row>> byTarget = new LinkedHashMap<>();
        Map<String, Long> errors = new LinkedHashMap<>();
        for (int round = 1; round <= settings.rpsRounds; round++) {
            for (String target : targets.names()) {
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
            report.add(median);
            if (scenario.equals("rps64") && e.getKey().equals("keyrelay")) {
                relayRps64 = median.rps();
            }
        }
    }

    /** The run of median {@code by} among a target's rounds, {@code note} put before its own when there are several. */
    private static Row medianRound(List<Row> runs, ToDoubleFunction<Row> by, String note) {
        List<Row> sorted = runs.stream().sorted(Comparator.comparingDouble(by)).toList();
        Row median = sorted.get(sorted.size() / 2);
        if (runs.size() == 1) {
            return median;
        }
        return new Row(median.scenario(), median.target(), median.rps(), median.p50(), median.p99(),
                median.cpuUsPerReq(), median.peakRssMb(), median.otherLoad(),
                median.notes() == null || median.notes().isEmpty() ? note : note + "; " + median.notes());
    }

    private static String each(List<Row> runs, Function<Row, String> figure) {
        return runs.stream().map(figure).collect(Collectors.joining(", "));
    }

    record RpsRound(Row row, long errors) {
    }

    private RpsRound rpsRound(String scenario, String target, int connections, boolean faults) throws Exception {
        upstream.setFaults(faults);
        sampler.awaitQuiet();
        long refusedBefore = faults ? upstream.refused() : 0;
        Sampler.Sample before = sampler.sample(target);
        Wrk.Result r = wrk.run(targets.endpoint(target), connections, settings.rpsSeconds);
        Sampler.Sample after = sampler.sample(target);
        long refused = faults ? upstream.refused() - refusedBefore : 0;
        upstream.setFaults(false);
        String note = r.errors() == 0 ? "" : r.errors() + " errors (" + r.detail() + ")";
        if (faults && targets.relay(target) != null) { // only a KeyRelay's requests use pool keys
            note = (note.isEmpty() ? "0 errors" : note) + "; upstream refused " + refused
                    + " attempts (429/402) during the run";
        }
        return new RpsRound(sampler.row(scenario, target, r.rps(), r.p50Ms(), r.p99Ms(), r.requests(), before, after,
                note), r.errors());
    }

    /**
     * SSE streams: BENCH_SSE_ROUNDS rounds of every target in turn, each target's row the round with its median
     * first-chunk p99. A single run's p99 moves by a factor of two from run to run on this VM, for the reference proxy
     * as much as for KeyRelay; streams cut short, chunks lost and errors count over all rounds. A burst scenario's
     * round is {@link #BURSTS} bursts of {@code concurrency} streams started at once on new connections.
     */
    private void sse(String scenario, int concurrency, boolean faults) throws Exception {
        Map<String, List<Row>> byTarget = new LinkedHashMap<>();
        Map<String, long[]> failures = new LinkedHashMap<>(); // incomplete streams, chunks lost, errors
        for (int round = 1; round <= settings.sseRounds; round++) {
            for (String target : targets.names()) {
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
            report.add(medianRound(runs, Row::p99, "median first-chunk p99 of " + runs.size() + " rounds (p99 ms "
                    + each(runs, r -> String.format(Locale.ROOT, "%.1f", r.p99())) + "; streams/s "
                    + each(runs, r -> String.format(Locale.ROOT, "%.0f", r.rps())) + "; in all rounds " + f[0]
                    + " streams incomplete, " + f[1] + " chunks lost, " + f[2] + " errors)"));
        }
    }

    record SseRound(Row row, long incomplete, long lostChunks, long errors) {
    }

    private SseRound sseRound(String scenario, String target, int concurrency, boolean faults) throws Exception {
        upstream.setFaults(faults);
        sampler.awaitQuiet();
        Sampler.Sample before = sampler.sample(target);
        List<String> extra = scenario.startsWith("burst")
                ? List.of("mode=burst", "streams=" + concurrency, "bursts=" + BURSTS, "chunks=" + settings.chunks)
                : List.of("mode=sse", "concurrency=" + concurrency, "ramp=" + (concurrency >= 1000 ? 3 : 1),
                        "duration=" + settings.sseSeconds, "chunks=" + settings.chunks);
        JsonObject r = loadClient.run(targets.endpoint(target), extra, settings.sseSeconds + BURSTS * 60 + 60);
        Sampler.Sample after = sampler.sample(target);
        upstream.setFaults(false);
        String note = String.format(Locale.ROOT, "chunk delay p50/p99 %.2f/%.2f ms, worst gap %.1f ms, %d/%d streams "
                        + "complete, %d chunks lost, %d errors%s",
                r.getDouble("chunkDelayP50Ms"), r.getDouble("chunkDelayP99Ms"), r.getDouble("worstGapMs"),
                r.getLong("completed"), r.getLong("started"), r.getLong("lostChunks"), r.getLong("errors"),
                r.getJsonObject("statuses").size() > 1 ? " statuses " + r.getJsonObject("statuses").encode() : "");
        Row row = sampler.row(scenario, target, r.getDouble("streamsPerSecond"), r.getDouble("firstChunkP50Ms"),
                r.getDouble("firstChunkP99Ms"), r.getLong("completed") + r.getLong("incomplete"), before, after, note);
        return new SseRound(row, r.getLong("incomplete"), r.getLong("lostChunks"), r.getLong("errors"));
    }

    static void log(String msg) {
        System.out.println("[bench " + LocalTime.now().withNano(0) + "] " + msg);
        System.out.flush();
    }
}
