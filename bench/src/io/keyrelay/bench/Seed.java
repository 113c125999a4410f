package io.keyrelay.bench;

import io.keyrelay.clients.BudgetPeriod;
import io.keyrelay.clients.ClientKeyControls;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.clients.ModelPatterns;
import io.keyrelay.config.Config;
import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.KeyAdministration;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.storage.MongoStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Fills a fresh embedded database before KeyRelay starts on it, through the same services the admin API uses:
 * 100 pool keys {@code sk-bench-000…099}, 30 backup keys and one client key (no per-minute limit), whose secret
 * is written to {@code <dataDir>/client-key}.
 *
 * <p>Usage: {@code Seed <dataDir> [poolKeys] [backupKeys]}
 */
public final class Seed {
    private Seed() {
    }

    /**
     * Every control a client key can have, none of them reached in a run (BENCH_SEED_CLIENT_CONTROLS=all, e.g. through
     * BENCH_AB_ENV): the proxy path pays every check.
     */
    private static ClientKeyControls everyControl(Clock clock) {
        return new ClientKeyControls(100_000_000, 1_000_000_000_000L, 1_000_000_000_000_000L, BudgetPeriod.MONTH,
                clock.instant().plus(java.time.Duration.ofDays(3650)), new ModelPatterns(List.of("claude-*", "gpt-*")));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int poolKeys = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int backupKeys = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Clock clock = Clock.systemUTC();
        try (MongoStorage storage = MongoStorage.open(new Config.Storage(Optional.empty(), dir))) {
            KeyAdministration admin = new KeyAdministration(new KeyPool(clock), storage.keys(), storage.events(), clock, "bench-seed");
            for (int i = 0; i < poolKeys; i++) {
                String n = String.format("%03d", i);
                admin.add("bench-" + n, "sk-bench-" + n + "-0123456789abcdef0123456789", false);
            }
            for (int i = 0; i < backupKeys; i++) {
                String n = String.format("%03d", i);
                storage.backupKeys().insert(BackupKey.fresh("backup-" + n, "sk-backup-" + n + "-0123456789abcdef0123", false,
                        clock.instant()));
            }
            ClientKeyControls controls = "all".equals(System.getenv("BENCH_SEED_CLIENT_CONTROLS"))
                    ? everyControl(clock) : ClientKeyControls.NONE;
            String secret = new ClientKeys(storage.clientKeys(), storage.clientWindows(), clock).create("bench", controls).secret();
            Files.writeString(dir.resolve("client-key"), secret);
        }
        System.out.println("seeded " + poolKeys + " pool keys, " + backupKeys + " backup keys and a client key in " + dir);
    }
}
