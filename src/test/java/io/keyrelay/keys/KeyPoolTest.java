package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyPoolTest {
    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final KeyPool pool = new KeyPool(clock);

    private PoolKey key(String id, KeyState state) {
        Instant now = clock.instant();
        return PoolKey.fresh(id, "sk-" + id + "-0123456789abcdef", false, null, now).withState(state, now);
    }

    private KeyState cooling(KeyStatus status, Duration d) {
        return new KeyState(status, clock.instant().plus(d), KeyStatus.HEALTHY, "x");
    }

    @Test
    void usingFailoverKeysAreAvailable() {
        PoolKey k = key("a", KeyState.usingFailover());
        assertTrue(k.isAvailable(clock.instant()));
        pool.put(k);
        assertEquals(Optional.of(k), pool.pick());
    }

    @Test
    void coolingKeysAreSkippedUntilTheirCooldownPasses() {
        pool.put(key("a", cooling(KeyStatus.RATE_LIMITED, Duration.ofMinutes(2))));
        pool.put(key("b", cooling(KeyStatus.EXHAUSTED, Duration.ofHours(24))));
        assertTrue(pool.pick().isEmpty());
        assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(2))), pool.soonestRecovery());

        clock.advance(Duration.ofMinutes(2));

        assertEquals("a", pool.pick().orElseThrow().id());
        assertEquals(1, pool.availableCount());
    }

    @Test
    void exhaustedKeysWithoutCooldownStayOut() {
        pool.put(key("a", new KeyState(KeyStatus.EXHAUSTED, null, KeyStatus.HEALTHY, "x")));
        clock.advance(Duration.ofDays(3));
        assertTrue(pool.pick().isEmpty());
    }

    @Test
    void errorKeysWithoutCooldownComeBackThirtySecondsAfterTheirLastUpdate() {
        pool.put(key("b", new KeyState(KeyStatus.ERROR, null, KeyStatus.HEALTHY, "x")));
        clock.advance(Duration.ofSeconds(29));
        assertTrue(pool.pick().isEmpty());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("b", pool.pick().orElseThrow().id());
    }

    @Test
    void picksRoundRobinOverAvailableKeys() {
        for (String id : List.of("a", "b", "c")) {
            pool.put(key(id, KeyState.healthy()));
        }
        pool.put(key("d", cooling(KeyStatus.RATE_LIMITED, Duration.ofMinutes(1))));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(pool.pick().orElseThrow().id(), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 100, "b", 100, "c", 100), counts);
    }

    @Test
    void prefersKeysTheCallerHasNotTriedButFallsBackToThem() {
        pool.put(key("a", KeyState.healthy()));
        pool.put(key("b", KeyState.healthy()));
        for (int i = 0; i < 10; i++) {
            assertEquals("b", pool.pick(k -> k.id().equals("a")).orElseThrow().id());
        }
        assertTrue(pool.pick(k -> true).isPresent());
    }

    @Test
    void aChangeAppliesOnlyToTheValueTheCallerSaw() {
        PoolKey seen = key("a", KeyState.healthy());
        pool.put(seen);
        PoolKey failover = seen.withState(KeyState.usingFailover(), clock.instant());

        assertTrue(pool.replace(seen, failover));
        assertFalse(pool.replace(seen, seen.withState(KeyState.usingFailover(), clock.instant())));
        assertTrue(pool.beginRotation(failover));
        assertFalse(pool.beginRotation(failover), "one rotation at a time");
        assertTrue(pool.pick().isEmpty(), "a key being rotated is not picked");
    }

    @Test
    void reloadKeepsLocalChangesNewerThanTheDatabaseRead() {
        PoolKey a = key("a", KeyState.healthy());
        PoolKey b = key("b", KeyState.healthy());
        pool.put(a);
        pool.put(b);
        long stamp = pool.stamp();
        PoolKey aFailover = a.withState(KeyState.usingFailover(), clock.instant());
        pool.replace(a, aFailover); // changed after the read began

        PoolKey c = key("c", KeyState.healthy());
        pool.reload(List.of(a, c), Set.of(), stamp);

        assertEquals(KeyStatus.USING_FAILOVER, pool.get("a").orElseThrow().status());
        assertTrue(pool.get("b").isEmpty(), "deleted elsewhere");
        assertTrue(pool.get("c").isPresent(), "added elsewhere");
    }

    @Test
    void reloadLeavesKeysWithQueuedWritesAlone() {
        PoolKey a = key("a", KeyState.healthy());
        pool.put(a);
        PoolKey limited = a.withState(cooling(KeyStatus.RATE_LIMITED, Duration.ofMinutes(2)), clock.instant());
        pool.replace(a, limited);
        pool.holdForWrite("a");

        pool.reload(List.of(a), Set.of(), pool.stamp());
        assertEquals(KeyStatus.RATE_LIMITED, pool.get("a").orElseThrow().status());

        pool.releaseWrite("a");
        pool.reload(List.of(a), Set.of(), pool.stamp());
        assertEquals(KeyStatus.HEALTHY, pool.get("a").orElseThrow().status());
    }

    @Test
    void pickingAmongTenThousandKeysVisitsEachOncePerRound() {
        List<PoolKey> keys = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            PoolKey k = key(String.format("k%05d", i), i % 2 == 0 ? KeyState.healthy()
                    : cooling(KeyStatus.RATE_LIMITED, Duration.ofMinutes(5)));
            keys.add(k);
        }
        pool.reload(keys, Set.of(), pool.stamp()); // how the pool is loaded from the database
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            seen.merge(pool.pick().orElseThrow().id(), 1, Integer::sum);
        }
        assertEquals(5_000, seen.size(), "every available key once");
        assertTrue(seen.keySet().stream().allMatch(id -> Integer.parseInt(id.substring(1)) % 2 == 0));
    }
}
