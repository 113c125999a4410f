package io.keyrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a measurement reads from /proc around a load run: the proxy's CPU time (user and system, and a JVM's JIT
 * compilers') and peak RSS, the CPU of everything this run started, and the machine's; a table row made of the
 * two samples; and, before each measurement, the wait for a quiet machine.
 */
final class Sampler {
    private final Settings settings;
    private final Processes processes;

    /** CPU ticks of the proxy under test and of everything this run started, and the machine's, at one moment. */
    record Sample(long nanos, long targetTicks, long targetUserTicks, long targetJitTicks, long ourTicks,
                  long busyTicks) {
    }

    Sampler(Settings settings, Processes processes) {
        this.settings = settings;
        this.processes = processes;
    }

    /** A sample for a measurement of {@code target}; resets the proxy's peak RSS. */
    Sample sample(String target) throws IOException {
        Proc p = processes.proxy(target);
        if (p != null) {
            p.resetPeakRss();
        }
        long ours = selfTicks();
        for (Proc q : processes.all()) {
            ours += q.cpuTicks();
        }
        return new Sample(System.nanoTime(), p == null ? 0 : p.cpuTicks(), p == null ? 0 : p.userTicks(),
                p != null && p != processes.nginx() ? p.compilerTicks() : 0, ours, machineBusyTicks());
    }

    /** The row of a measurement of {@code requests} requests (SSE: streams) between two samples; logs it. */
    Row row(String scenario, String target, double rps, double p50, double p99, long requests, Sample before,
            Sample after, String note) {
        Proc p = processes.proxy(target);
        double cpuUs = p == null || requests == 0 ? Double.NaN
                : (after.targetTicks - before.targetTicks) * 1e6 / ticksPerSecond() / requests;
        double rss = p == null ? Double.NaN : p.peakRssMb();
        double wallTicks = (after.nanos - before.nanos) / 1e9 * ticksPerSecond();
        double other = ((after.busyTicks - before.busyTicks) - (after.ourTicks - before.ourTicks)) / wallTicks;
        if (p != null && requests > 0) {
            // user space (the proxy's own code) apart from the kernel (mostly loopback TCP, alike for both proxies)
            double userUs = (after.targetUserTicks - before.targetUserTicks) * 1e6 / ticksPerSecond() / requests;
            String split = String.format(Locale.ROOT, "CPU user/system %.1f/%.1f µs", userUs, cpuUs - userUs);
            if (p != processes.nginx()) { // a JVM
                split += String.format(Locale.ROOT, " (JIT compilers %.1f%% of the core)",
                        100 * (after.targetJitTicks - before.targetJitTicks) / wallTicks);
            }
            note = note == null || note.isEmpty() ? split : split + ", " + note;
        }
        Bench.log(String.format(Locale.ROOT,
                "%s %s: %.0f/s p50 %.3f ms p99 %.3f ms cpu %.1f us/req rss %.0f MB other load %.2f cores %s",
                scenario, target, rps, p50, p99, cpuUs, rss, other, note));
        return new Row(scenario, target, rps, p50, p99, cpuUs, rss, Math.max(0, other), note);
    }

    /** Waits (bounded) until processes this run did not start use less than BENCH_QUIET_CORES cores. */
    void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.quietWaitSeconds);
        while (true) {
            Sample a = sample("direct");
            Thread.sleep(2000);
            Sample b = sample("direct");
            double wall = (b.nanos - a.nanos) / 1e9 * ticksPerSecond();
            double other = ((b.busyTicks - a.busyTicks) - (b.ourTicks - a.ourTicks)) / wall;
            if (other <= settings.quietCores) {
                return;
            }
            if (System.nanoTime() > deadline) {
                Bench.log(String.format(Locale.ROOT, "machine still busy (%.2f cores used by others); measuring anyway",
                        other));
                return;
            }
            Bench.log(String.format(Locale.ROOT, "machine busy (%.2f cores used by others); waiting", other));
            Thread.sleep(5000);
        }
    }

    /** This JVM's CPU and that of its finished children (wrk and load clients are reaped before a sample). */
    private static long selfTicks() {
        String[] f = Proc.stat(ProcessHandle.current().pid());
        return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                + Long.parseLong(f[14]);
    }

    private static long machineBusyTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]) + Long.parseLong(f[8]);
    }

    static double ticksPerSecond() {
        return 100.0; // USER_HZ on Linux
    }
}
