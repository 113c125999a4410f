package io.keyrelay.bench;

import io.keyrelay.clients.Authentication;
import io.keyrelay.clients.BudgetPeriod;
import io.keyrelay.clients.ClientKey;
import io.keyrelay.clients.ClientKeyControls;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.clients.ModelPatterns;
import io.keyrelay.config.Config;
import io.keyrelay.storage.MongoStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a client key's controls cost the request path, without the HTTP around it (the rps64 A/B cannot resolve
 * fractions of a microsecond on this VM): one thread does what the proxy does for each request of a key, check
 * (authenticate), model check, tokens counted, end, for a key without controls and for one with every control
 * (none of them reached), and reports nanoseconds per request, median of rounds. Run pinned, e.g.
 * {@code taskset -c 1 java -cp target/keyrelay.jar:bench/target/classes io.keyrelay.bench.ControlsCost}.
 */
public final class ControlsCost {
    private static final int PER_ROUND = 2_000_000;

    private ControlsCost() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("controls-cost");
        Clock clock = Clock.systemUTC();
        try (MongoStorage storage = MongoStorage.open(new Config.Storage(Optional.empty(), dir));
             ClientKeys keys = new ClientKeys(storage.clientKeys(), storage.clientWindows(), clock)) {
            String plain = keys.create("plain", ClientKeyControls.NONE).secret();
            String controlled = keys.create("controlled", new ClientKeyControls(100_000_000, 1_000_000_000_000L,
                    1_000_000_000_000_000L, BudgetPeriod.MONTH, clock.instant().plusSeconds(86_400 * 3650L),
                    new ModelPatterns(List.of("gpt-*", "claude-*")))).secret();
            int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
            long[] a = new long[rounds];
            long[] b = new long[rounds];
            for (int warm = 0; warm < 3; warm++) {
                run(keys, plain, clock);
                run(keys, controlled, clock);
            }
            for (int r = 0; r < rounds; r++) {
                a[r] = run(keys, plain, clock);
                b[r] = run(keys, controlled, clock);
            }
            java.util.Arrays.sort(a);
            java.util.Arrays.sort(b);
            System.out.printf("no controls: %d ns a request; every control: %d ns a request (medians of %d rounds of %,d)%n",
                    a[rounds / 2], b[rounds / 2], rounds, PER_ROUND);
        }
    }

    /** Nanoseconds a request, over one round. */
    private static long run(ClientKeys keys, String secret, Clock clock) {
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < PER_ROUND; i++) {
            Authentication auth = keys.authenticate(secret);
            if (auth instanceof Authentication.Accepted accepted) {
                ClientKey key = accepted.key();
                sink += keys.allowsModel(key, "claude-bench") ? 1 : 0;
                keys.recordTokens(key, 20, Instant.ofEpochMilli(clock.millis()));
                keys.finished(key.id());
            }
        }
        long elapsed = System.nanoTime() - start;
        if (sink < 0) {
            System.out.println(sink);
        }
        return elapsed / PER_ROUND;
    }
}
