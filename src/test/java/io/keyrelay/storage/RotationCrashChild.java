package io.keyrelay.storage;

import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.RotationStep;
import io.keyrelay.keys.StateWriter;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}: opens the data directory, lets one key fail with a 401 and dies
 * ({@code halt}: no shutdown hooks, no flush, as with {@code kill -9}) right after the given rotation step.
 *
 * <p>Arguments: data directory, {@link RotationStep} name, failing key id, instance id.
 */
public final class RotationCrashChild {
    private RotationCrashChild() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        RotationStep haltAfter = RotationStep.valueOf(args[1]);
        String failingKey = args[2];
        String instance = args[3];
        RotationStep.Listener dieAfterStep = (step, keyId) -> {
            if (step == haltAfter) {
                System.out.println("HALT " + step + " " + keyId);
                System.out.flush();
                Runtime.getRuntime().halt(137);
            }
        };
        MongoStorage storage = TestStorage.open(dataDir);
        PoolFixture instanceUnderTest = new PoolFixture(storage, new MutableClock(Instant.now()), instance,
                StateWriter.direct(), dieAfterStep);
        instanceUnderTest.beat(instance); // alive, as far as its peers can tell, until its heartbeat goes stale
        instanceUnderTest.maintenance.start();
        instanceUnderTest.lifecycle.onAnswer(instanceUnderTest.key(failingKey), FailureClass.CREDENTIAL, 401,
                Optional.empty());
        System.out.println("FINISHED without reaching " + haltAfter);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
