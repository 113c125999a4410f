package io.keyrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's Markdown report: a header saying what ran where and how, then one table row per scenario and target,
 * each set against direct and nginx in its scenario, then the soak's detail.
 */
final class Report {
    private final Settings settings;
    private final Processes processes;
    private final List<KeyRelayUnderTest> relays;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final StringBuilder soakDetail = new StringBuilder();

    Report(Settings settings, Processes processes, List<KeyRelayUnderTest> relays) {
        this.settings = settings;
        this.processes = processes;
        this.relays = relays;
    }

    void add(Row row) {
        rows.add(row);
    }

    /** A line for the header's list. */
    void note(String note) {
        notes.add(note);
    }

    void addSoakDetail(String detail) {
        soakDetail.append(detail);
    }

    String render(List<String> scenarios) throws Exception {
        Settings s = settings;
        StringBuilder sb = new StringBuilder();
        sb.append("## KeyRelay benchmark, ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))).append("\n\n");
        sb.append("- machine: ").append(machine()).append('\n');
        sb.append("- pinning: proxies (nginx, KeyRelay) on CPU ").append(s.proxyCpus)
                .append("; fake upstream, wrk and the load client on CPU ").append(s.loadCpus).append('\n');
        sb.append("- KeyRelay: ").append(s.jar).append(", ").append(s.proxyCpuCount())
                .append(" event loop(s), JVM options `").append(s.relayJavaOpts.isBlank() ? "(none)" : s.relayJavaOpts)
                .append("`, ").append(javaVersion()).append('\n');
        if (s.abJar != null) {
            sb.append("- keyrelay-b (BENCH_AB_JAR): ").append(s.abJar)
                    .append(s.abEnv.isEmpty() ? "" : " with " + s.abEnv).append(", measured right after KeyRelay in ")
                    .append("every round, with the same event loops, JVM options, pinning, seeding, warm-up and ")
                    .append("settling\n");
        }
        if (processes.nginx() != null) {
            sb.append("- nginx: ").append(Commands.run(List.of(Commands.which("nginx"), "-v"), 10).trim()).append(", ")
                    .append(s.proxyCpuCount()).append(" worker(s), proxy_buffering off, upstream keepalive, access log ")
                    .append(s.nginxAccessLog).append('\n');
        }
        if (s.floors) {
            sb.append("- floors (BENCH_FLOORS=1): floor-netty is the cheapest proxy of KeyRelay's stack (one Netty event ")
                    .append("loop, Netty's HTTP codecs both sides, a client connection paired with an upstream one); ")
                    .append("floor-vertx is Vert.x's server with KeyRelay's options and a bare Netty upstream client; ")
                    .append("floor-vertx-client is the same server with Vert.x's own HTTP client upstream (a keep-alive ")
                    .append("pool, no pipelining), so floor-vertx against it shows what KeyRelay's own upstream client ")
                    .append("gains. None checks a key, reads usage or logs; all warmed up ").append(s.warmupSeconds)
                    .append(" s, with KeyRelay's heap\n");
        }
        sb.append("- non-streaming: wrk, 1 thread, ").append(s.rpsSeconds).append(" s per target and round, ")
                .append(s.rpsRounds).append(" rounds of the targets in turn, each row the round of median req/s; SSE: ")
                .append(s.chunks).append(" chunks ").append(s.intervalMs).append(" ms apart, ").append(s.sseSeconds)
                .append(" s per target and round after the ramp, ").append(s.sseRounds)
                .append(" rounds of the targets in turn, each row the round of median first-chunk p99");
        for (KeyRelayUnderTest relay : relays) {
            sb.append("; ").append(relay.label).append(" warmed up ").append(s.warmupSeconds).append(" s first, ")
                    .append(relay.settled);
        }
        sb.append('\n');
        sb.append("- req/s: requests (SSE: streams) per second; p50/p99: request latency (SSE: time to the first chunk); ")
                .append("CPU: the proxy's user+system CPU per request (SSE: per stream); other load: cores used by processes ")
                .append("this run did not start, during the measurement\n");
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        sb.append('\n');
        sb.append("| scenario | target | req/s | ×direct | ×nginx | p50 ms | p99 ms | p50 +direct | p99 +direct | p99 ×direct "
                + "| CPU µs/req | peak RSS MB | other load | notes |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String scenario : scenarios) {
            Row direct = find(scenario, "direct");
            Row ngx = find(scenario, "nginx");
            for (Row r : rows) {
                if (!r.scenario().equals(scenario)) {
                    continue;
                }
                sb.append("| ").append(r.scenario()).append(" | ").append(r.target())
                        .append(" | ").append(fmt(r.rps(), 0))
                        .append(" | ").append(direct == null ? "" : fmt(r.rps() / direct.rps(), 2))
                        .append(" | ").append(ngx == null ? "" : fmt(r.rps() / ngx.rps(), 2))
                        .append(" | ").append(fmt(r.p50(), 3))
                        .append(" | ").append(fmt(r.p99(), 3))
                        .append(" | ").append(direct == null || r == direct ? "" : signed(r.p50() - direct.p50()))
                        .append(" | ").append(direct == null || r == direct ? "" : signed(r.p99() - direct.p99()))
                        .append(" | ").append(direct == null || r == direct ? "" : fmt(r.p99() / direct.p99(), 2))
                        .append(" | ").append(fmt(r.cpuUsPerReq(), 1))
                        .append(" | ").append(fmt(r.peakRssMb(), 0))
                        .append(" | ").append(fmt(r.otherLoad(), 2))
                        .append(" | ").append(r.notes()).append(" |\n");
            }
        }
        sb.append(soakDetail);
        return sb.toString();
    }

    private Row find(String scenario, String target) {
        return rows.stream().filter(r -> r.scenario().equals(scenario) && r.target().equals(target)).findFirst()
                .orElse(null);
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.3f", v);
    }

    private static String machine() throws IOException {
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        return Runtime.getRuntime().availableProcessors() + "×" + model + ", " + memKb / 1024 / 1024 + " GiB, Linux "
                + System.getProperty("os.version");
    }

    private static String javaVersion() {
        try {
            String v = Commands.run(List.of(Commands.java(), "-version"), 20);
            return v.lines().findFirst().orElse("java").trim();
        } catch (Exception e) {
            return "java";
        }
    }
}
