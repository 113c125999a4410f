package io.keyrelay.bench;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak: non-streaming requests at a steady rate plus background streams against each KeyRelay in turn for
 * BENCH_SOAK_MINUTES, with its RSS sampled every 10 s, its heap after a full GC at minute 1 and at the end, and
 * Netty's LEAK reports in its log counted; one row and one detail section per KeyRelay.
 */
final class Soak {
    private final Settings settings;
    private final Targets targets;
    private final List<KeyRelayUnderTest> relays;
    private final Wrk wrk;
    private final LoadClientRunner loadClient;
    private final Sampler sampler;
    private final Report report;

    Soak(Settings settings, Targets targets, List<KeyRelayUnderTest> relays, Wrk wrk, LoadClientRunner loadClient,
         Sampler sampler, Report report) {
        this.settings = settings;
        this.targets = targets;
        this.relays = relays;
        this.wrk = wrk;
        this.loadClient = loadClient;
        this.sampler = sampler;
        this.report = report;
    }

    /** Soaks each KeyRelay at the same offered load: BENCH_SOAK_RATE, or half of KeyRelay's rps64 (NaN: not run). */
    void run(double relayRps64) throws Exception {
        double max = relayRps64;
        if (Double.isNaN(max)) {
            Bench.log("soak: measuring KeyRelay's maximum first (64 connections, " + settings.rpsSeconds + " s)");
            max = wrk.run(targets.endpoint(relays.get(0).target), 64, settings.rpsSeconds).rps();
        }
        double rate = settings.soakRate(max);
        for (KeyRelayUnderTest relay : relays) {
            soak(relay, rate);
        }
    }

    private void soak(KeyRelayUnderTest relay, double rate) throws Exception {
        int streams = settings.soakStreams;
        long seconds = Math.round(settings.soakMinutes * 60);
        Bench.log(String.format(Locale.ROOT, "soak: %.0f req/s + %d SSE streams for %d s%s", rate, streams, seconds,
                relay.suffix.isEmpty() ? "" : " against " + relay.target));
        sampler.awaitQuiet();
        Sampler.Sample before = sampler.sample(relay.target);
        String name = "soak-load" + relay.suffix;
        Process p = loadClient.start(targets.endpoint(relay.target), List.of("mode=rate", "rate=" + rate,
                "streams=" + streams, "duration=" + seconds, "report=60", "chunks=" + settings.chunks), name);
        List<double[]> rss = new ArrayList<>(); // {seconds, MB}
        long t0 = System.nanoTime();
        double heapStart = Double.NaN;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds + 60);
        while (p.isAlive() && System.nanoTime() < deadline) {
            p.waitFor(10, TimeUnit.SECONDS);
            double at = (System.nanoTime() - t0) / 1e9;
            if (p.isAlive()) {
                rss.add(new double[]{at, relay.proc.rssMb()});
                if (Double.isNaN(heapStart) && at >= 60) {
                    heapStart = heapAfterFullGc(relay.proc);
                }
            }
        }
        if (p.isAlive()) {
            p.destroyForcibly();
        }
        double heapEnd = heapAfterFullGc(relay.proc);
        Sampler.Sample after = sampler.sample(relay.target);
        String out = Files.readString(settings.runDir.resolve(name + ".log"));
        JsonObject r = LoadClientRunner.result(out);
        List<double[]> steady = rss.stream().filter(s -> s[0] >= 60).toList();
        double slope = slopePerMinute(steady.isEmpty() ? rss : steady);
        long leaks;
        try (var lines = Files.lines(relay.proc.log, StandardCharsets.ISO_8859_1)) {
            leaks = lines.filter(l -> l.contains("LEAK:")).count(); // the log holds a line per request: stream it
        }
        StringBuilder detail = new StringBuilder("\n### Soak detail")
                .append(relay.suffix.isEmpty() ? "" : ", " + relay.target)
                .append("\n\n| t (s) | ").append(relay.label).append(" RSS (MB) |\n|---|---|\n");
        for (double[] s : rss) {
            detail.append(String.format(Locale.ROOT, "| %.0f | %.1f |%n", s[0], s[1]));
        }
        detail.append("\nLoad client windows:\n\n```\n");
        out.lines().filter(l -> l.startsWith("WINDOW")).forEach(l -> detail.append(l).append('\n'));
        detail.append("```\n");
        report.addSoakDetail(detail.toString());
        String note = String.format(Locale.ROOT, "%.0f req/s offered + %d streams, %.1f min: RSS %+.2f MB/min after "
                        + "minute 1, heap after full GC %.1f → %.1f MB, %d errors, %d skipped, %d streams incomplete, "
                        + "%d Netty LEAK reports",
                rate, streams, settings.soakMinutes, slope, heapStart, heapEnd, r.getLong("requestErrors"),
                r.getLong("skipped"), r.getLong("streamsIncomplete"), leaks);
        report.add(sampler.row("soak", relay.target, r.getDouble("requestsPerSecond"), r.getDouble("p50Ms"),
                r.getDouble("p99Ms"), r.getLong("requests") + r.getLong("streamsCompleted"), before, after, note));
    }

    /** The JVM's heap in use right after a full GC (jcmd GC.run, then GC.heap_info), in MB; NaN when jcmd fails. */
    private static double heapAfterFullGc(Proc relay) {
        try {
            String pid = Long.toString(relay.process.pid());
            Commands.run(List.of(Commands.jcmd(), pid, "GC.run"), 60);
            String info = Commands.run(List.of(Commands.jcmd(), pid, "GC.heap_info"), 60);
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

    /** The least-squares slope of {seconds, MB} points, in MB per minute; NaN with fewer than two points. */
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
}
