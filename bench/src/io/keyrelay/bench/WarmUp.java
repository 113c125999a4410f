package io.keyrelay.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Before anything is measured: each KeyRelay warmed up (its refusal paths too when a faults scenario is ahead), then
 * nginx, the floors and direct, then each KeyRelay settled until its JIT compilers are quiet.
 */
final class WarmUp {
    private final Settings settings;
    private final Targets targets;
    private final List<KeyRelayUnderTest> relays;
    private final Wrk wrk;
    private final LoadClientRunner loadClient;
    private final UpstreamControl upstream;

    WarmUp(Settings settings, Targets targets, List<KeyRelayUnderTest> relays, Wrk wrk, LoadClientRunner loadClient,
           UpstreamControl upstream) {
        this.settings = settings;
        this.targets = targets;
        this.relays = relays;
        this.wrk = wrk;
        this.loadClient = loadClient;
        this.upstream = upstream;
    }

    void run(List<String> scenarios) throws Exception {
        boolean faults = scenarios.stream().anyMatch(s -> s.endsWith("-faults"));
        int warmup = settings.warmupSeconds;
        for (KeyRelayUnderTest relay : relays) {
            Targets.Endpoint e = targets.endpoint(relay.target);
            Bench.log("warming " + relay.label + " up for " + warmup + " s (non-streaming), then SSE");
            wrk.run(e, 64, warmup);
            loadClient.run(e, streams200(Math.max(5, warmup / 2)), 60);
            wrk.run(e, 1, 10); // one connection has code paths of its own to compile
            if (faults) {
                // the refusal paths (429 read, cool-down, retry on another key) get compiled too, as in a gateway that
                // has met rate limits before; 429 only, so no pool key is exhausted or rotated before the measurement
                Bench.log("warming " + relay.label + "'s refusal paths up: the first 30 pool keys answer 429");
                upstream.setRateLimitsOnly();
                wrk.run(e, 64, Math.max(5, warmup / 2));
                loadClient.run(e, streams200(5), 60);
                upstream.setFaults(false);
                Thread.sleep(2_000); // Retry-After: 1 has passed for every cooled key
            }
        }
        if (targets.names().contains("nginx")) {
            wrk.run(targets.endpoint("nginx"), 64, 2);
        }
        if (settings.floors) {
            for (Floor floor : Floor.values()) {
                Bench.log("warming " + floor.target + " up for " + warmup + " s (non-streaming), then SSE");
                Targets.Endpoint e = targets.endpoint(floor.target);
                wrk.run(e, 64, warmup);
                loadClient.run(e, streams200(Math.max(5, warmup / 2)), 60);
                wrk.run(e, 1, 5);
            }
        }
        Targets.Endpoint direct = targets.endpoint("direct");
        wrk.run(direct, 64, 2);
        loadClient.run(direct, streams200(3), 60);
        for (KeyRelayUnderTest relay : relays) {
            settle(relay, faults);
        }
    }

    /** The load client's arguments for 200 streams after a one-second ramp, for that many seconds. */
    private static List<String> streams200(int seconds) {
        return List.of("mode=sse", "concurrency=200", "ramp=1", "duration=" + seconds);
    }

    /**
     * Goes on warming a KeyRelay up until its JIT compilers are quiet: rounds of the scenarios' traffic, in short runs
     * whose connections open and close (a connection's end takes code paths of its own, and a compiled method that
     * meets a path it has never seen is thrown away and compiled again), until the compiler threads used less than
     * BENCH_SETTLE_JIT_SHARE of a core during a round, for at most BENCH_SETTLE_MAX_SECONDS. Some of KeyRelay's code
     * gets hot by time rather than by traffic (the usage flush every 2 s, the pool reload every 5 s, metrics windows
     * rotating), so a fixed warm-up leaves the compilers at work during the measurements: up to a fifth of the core
     * in a 5 s window, which the proxy then lacks. With a faults scenario ahead, each round also runs 3 s at 64
     * connections while the first 30 pool keys answer 429.
     */
    private void settle(KeyRelayUnderTest relay, boolean faults) throws Exception {
        Targets.Endpoint e = targets.endpoint(relay.target);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(settings.settleSeconds);
        int rounds = 0;
        double share = Double.NaN;
        while (System.nanoTime() < deadline) {
            rounds++;
            long jit0 = relay.proc.compilerTicks();
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                wrk.run(e, 64, 3);
            }
            loadClient.run(e, streams200(3), 60);
            wrk.run(e, 1, 2);
            if (faults) {
                upstream.setRateLimitsOnly();
                wrk.run(e, 64, 3);
                upstream.setFaults(false);
            }
            share = (relay.proc.compilerTicks() - jit0) / ((System.nanoTime() - t0) / 1e9 * Sampler.ticksPerSecond());
            Bench.log(String.format(Locale.ROOT, "settling round %d: %s's JIT compilers used %.1f%% of the core", rounds,
                    relay.label, 100 * share));
            if (share < settings.settleJitShare) {
                break;
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        if (rounds == 0) {
            relay.settled = "without settling (BENCH_SETTLE_MAX_SECONDS=" + settings.settleSeconds + ")";
            return;
        }
        relay.settled = String.format(Locale.ROOT,
                "then %d s in %d rounds until its JIT compilers used %.1f%% of the core%s", seconds, rounds, 100 * share,
                share < settings.settleJitShare ? "" : " (still above the "
                        + String.format(Locale.ROOT, "%.0f%%", 100 * settings.settleJitShare)
                        + " aimed at: stopped at the limit)");
        Bench.log(relay.label + " settled: " + relay.settled);
    }
}
