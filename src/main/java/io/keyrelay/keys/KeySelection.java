package io.keyrelay.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The keys a request may pick, as of one moment: available keys (not rotating, status or cooldown allowing, breaker
 * not open), sorted by id, each marked when its next request is a breaker's half-open trial; and the moment the
 * next key comes back. Immutable: the pool builds a new one when a key, a breaker or a cooldown changes.
 */
final class KeySelection {
    static final KeySelection EMPTY = new KeySelection(new PoolKey[0], new byte[0], null);

    private static final byte NO_TRIAL = 0;
    private static final byte PRIMARY_TRIAL = 1;
    private static final byte FAILOVER_TRIAL = 2;

    private final PoolKey[] available;
    private final byte[] trials;
    private final Instant nextRecovery;

    private KeySelection(PoolKey[] available, byte[] trials, Instant nextRecovery) {
        this.available = available;
        this.trials = trials;
        this.nextRecovery = nextRecovery;
    }

    /** The selection among {@code candidates} (keys not being rotated) at {@code now}. */
    static KeySelection of(Iterable<PoolKey> candidates, EndpointBreakers breakers, Instant now) {
        List<PoolKey> available = new ArrayList<>();
        Instant next = null;
        for (PoolKey k : candidates) {
            Instant back;
            if (k.isAvailable(now)) {
                back = breakers.openUntil(k.id(), k.usesFailoverEndpoint(now), now);
                if (back == null) {
                    available.add(k);
                    continue;
                }
            } else {
                back = k.recoversAt();
            }
            if (back != null && (next == null || back.isBefore(next))) {
                next = back;
            }
        }
        PoolKey[] keys = available.toArray(new PoolKey[0]);
        Arrays.sort(keys, Comparator.comparing(PoolKey::id));
        byte[] trials = new byte[keys.length];
        for (int i = 0; i < keys.length; i++) {
            boolean failover = keys[i].usesFailoverEndpoint(now);
            if (breakers.halfOpen(keys[i].id(), failover, now)) {
                trials[i] = failover ? FAILOVER_TRIAL : PRIMARY_TRIAL;
            }
        }
        return new KeySelection(keys, trials, next);
    }

    int size() {
        return available.length;
    }

    Instant nextRecovery() {
        return nextRecovery;
    }

    /**
     * The key at round-robin position {@code start} or the next one that {@code avoid} does not reject; when every
     * key is rejected, the first one anyway (a retry may go to a key already tried). A key on a half-open trial is
     * taken only by the request that claims the trial.
     */
    Optional<PoolKey> pick(long start, Predicate<PoolKey> avoid, EndpointBreakers breakers) {
        int n = available.length;
        for (int i = 0; i < n; i++) {
            int at = (int) Math.floorMod(start + i, (long) n);
            if (!avoid.test(available[at]) && admits(at, breakers)) {
                return Optional.of(available[at]);
            }
        }
        for (int i = 0; i < n; i++) {
            int at = (int) Math.floorMod(start + i, (long) n);
            if (admits(at, breakers)) {
                return Optional.of(available[at]);
            }
        }
        return Optional.empty();
    }

    private boolean admits(int at, EndpointBreakers breakers) {
        byte trial = trials[at];
        return trial == NO_TRIAL || breakers.claimTrial(available[at].id(), trial == FAILOVER_TRIAL);
    }
}
