package io.keyrelay.storage;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.StateWriter;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}: performs operator writes and state changes, prints
 * {@code ACK <what>} as soon as each call has returned, and dies right after the last one ({@code halt}: no shutdown
 * hooks, no flush, no close, as with {@code kill -9}).
 *
 * <p>Arguments: data directory, number of keys.
 */
public final class AdminWritesChild {
    private AdminWritesChild() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        MongoStorage storage = TestStorage.open(dataDir);
        PoolFixture f = new PoolFixture(storage, new MutableClock(Instant.now()), "durability", StateWriter.direct(),
                io.keyrelay.keys.RotationStep.Listener.NONE);
        for (int i = 0; i < n; i++) {
            f.admin.add("d" + i, "sk-durable-" + i + "-0123456789abcdef", false);
            ack("add d" + i);
            if (i % 3 == 0) {
                f.admin.setEnableFailover("d" + i, true);
                ack("failover d" + i);
            }
            if (i % 5 == 0) {
                f.backups.insert(BackupKey.fresh("bk" + i, "sk-durable-backup-" + i + "-0123456789", i % 2 == 0, Instant.now()));
                ack("backup bk" + i);
            }
            if (i % 7 == 0) {
                f.lifecycle.onAnswer(f.key("d" + i), FailureClass.RATE_LIMIT, 429, Optional.empty());
                ack("ratelimit d" + i);
            }
            if (i % 4 == 1) {
                f.admin.delete("d" + i);
                ack("delete d" + i);
            }
        }
        Runtime.getRuntime().halt(137);
    }

    private static void ack(String what) {
        System.out.println("ACK " + what);
        System.out.flush();
    }
}
