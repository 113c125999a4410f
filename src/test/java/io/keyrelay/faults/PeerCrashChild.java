package io.keyrelay.faults;

import io.keyrelay.app.KeyRelay;
import io.keyrelay.config.Config;
import io.keyrelay.keys.RotationStep;
import java.time.Clock;

/**
 * Run in a child JVM by {@link PeerCrashTest}: KeyRelay from its environment, as {@code Main} starts it, except that
 * the process dies ({@code halt}: no shutdown hook, no flush, as with {@code kill -9}) right after the given step of
 * its first rotation.
 *
 * <p>Argument: the {@link RotationStep} name.
 */
public final class PeerCrashChild {
    private PeerCrashChild() {
    }

    public static void main(String[] args) {
        RotationStep haltAfter = RotationStep.valueOf(args[0]);
        KeyRelay.start(Config.fromEnvironment(), Clock.systemUTC(), (step, keyId) -> {
            if (step == haltAfter) {
                System.out.println("HALT " + step + " " + keyId);
                System.out.flush();
                Runtime.getRuntime().halt(137);
            }
        });
    }
}
