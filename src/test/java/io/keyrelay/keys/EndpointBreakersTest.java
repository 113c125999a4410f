package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Breakers per key and endpoint, through the pool's selection, with injected time. */
class EndpointBreakersTest {
    private static final Duration OPEN = Duration.ofSeconds(30);
    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final EndpointBreakers breakers = new EndpointBreakers(
            new EndpointBreakers.Settings(5, OPEN, Duration.ofMinutes(2)), clock);
    private final KeyPool pool = new KeyPool(clock, breakers);

    private PoolKey add(String id, KeyState state) {
        Instant now = clock.instant();
        PoolKey k = PoolKey.fresh(id, "sk-" + id + "-0123456789abcdef", true, null, now).withState(state, now);
        pool.put(k);
        return k;
    }

    private List<String> picks(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pool.pick().ifPresent(k -> ids.add(k.id()));
        }
        return ids;
    }

    private void fail(String id, int times) {
        for (int i = 0; i < times; i++) {
            breakers.failed(id, false);
        }
    }

    @Test
    void fiveTransientFailuresInARowKeepTheKeyOutForThirtySeconds() {
        add("dead", KeyState.healthy());
        add("good", KeyState.healthy());

        fail("dead", 4);
        assertTrue(picks(4).contains("dead"), "four failures in a row are not enough");
        breakers.failed("dead", false);

        assertEquals(List.of("good", "good", "good", "good"), picks(4));
        assertEquals(1, pool.availableCount());
        assertEquals(Optional.of(clock.instant().plus(OPEN)), pool.soonestRecovery());
        assertEquals(1, breakers.openCount());
        assertEquals(1, breakers.trips());
        EndpointBreakers.View view = breakers.views("dead").get(0);
        assertEquals("open", view.state());
        assertEquals(5, view.failures());
        assertFalse(view.failoverEndpoint());
    }

    @Test
    void anAnswerInBetweenStartsTheCountAgain() {
        add("flaky", KeyState.healthy());
        fail("flaky", 4);
        breakers.answered("flaky", false);
        fail("flaky", 4);

        assertEquals(List.of("flaky"), picks(1));
        assertTrue(breakers.views("flaky").get(0).state().equals("closed"));
    }

    @Test
    void afterTheWaitExactlyOneRequestTriesTheKeyAgain() {
        add("dead", KeyState.healthy());
        add("good", KeyState.healthy());
        fail("dead", 5);

        clock.advance(OPEN);

        List<String> ids = picks(10);
        assertEquals(1, ids.stream().filter("dead"::equals).count(), "one trial while its outcome is unknown: " + ids);
        assertEquals("half_open", breakers.views("dead").get(0).state());
    }

    @Test
    void aFailedTrialDoublesTheWaitUpToTheCap() {
        add("dead", KeyState.healthy());
        add("good", KeyState.healthy());
        fail("dead", 5);

        Duration expected = OPEN;
        for (int round = 0; round < 4; round++) {
            clock.advance(expected);
            assertTrue(picks(4).contains("dead"), "tried again after " + expected);
            breakers.failed("dead", false);
            expected = expected.multipliedBy(2).compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : expected.multipliedBy(2);
            assertEquals(clock.instant().plus(expected), breakers.views("dead").get(0).openUntil(), "round " + round);
            assertFalse(picks(4).contains("dead"));
        }
    }

    @Test
    void aSuccessfulTrialClosesTheBreaker() {
        add("dead", KeyState.healthy());
        add("good", KeyState.healthy());
        fail("dead", 5);
        clock.advance(OPEN);
        assertTrue(picks(4).contains("dead"));

        breakers.answered("dead", false);

        assertEquals(2, picks(4).stream().filter("dead"::equals).count());
        assertTrue(breakers.views("dead").isEmpty());
        assertEquals(0, breakers.openCount());
    }

    @Test
    void aTrialThatNeverReportsIsGivenToAnotherRequestLater() {
        add("dead", KeyState.healthy());
        fail("dead", 5);
        clock.advance(OPEN);
        assertEquals(List.of("dead"), picks(3), "the trial is taken once");

        clock.advance(OPEN);

        assertEquals(List.of("dead"), picks(3));
    }

    @Test
    void theBreakerIsPerEndpoint() {
        add("switched", KeyState.usingFailover());
        fail("switched", 5); // on the primary endpoint, which this key no longer uses

        assertEquals(List.of("switched"), picks(1));

        for (int i = 0; i < 5; i++) {
            breakers.failed("switched", true);
        }
        assertEquals(List.of(), picks(1));
        assertTrue(breakers.views("switched").stream().anyMatch(v -> v.failoverEndpoint() && v.state().equals("open")));
    }

    @Test
    void anOperatorResetClosesTheKeysBreakers() {
        add("dead", KeyState.healthy());
        fail("dead", 5);

        breakers.reset("dead");

        assertEquals(List.of("dead"), picks(1));
    }

    @Test
    void breakersOfKeysThatLeftThePoolAreForgotten() {
        add("gone", KeyState.healthy());
        fail("gone", 5);

        pool.reload(List.of(), Set.of(), pool.stamp());

        assertTrue(breakers.views().isEmpty());
    }
}
