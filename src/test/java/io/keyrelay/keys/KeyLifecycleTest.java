package io.keyrelay.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.config.Config;
import io.keyrelay.storage.MongoStorage;
import io.keyrelay.support.MutableClock;
import io.keyrelay.support.PoolFixture;
import io.keyrelay.support.TestStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPEC §3 carried out on one instance, against the embedded database, with state changes written at once. */
@Tag("storage")
class KeyLifecycleTest {
    private static final FailureClassifier CLASSIFIER =
            new FailureClassifier(Config.DEFAULT_QUOTA_KEYWORDS, Config.DEFAULT_BLOCK_KEYWORDS);
    private static final String INSTANCE = "instance-1";

    @TempDir
    Path dataDir;
    private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
    private MongoStorage storage;
    private PoolFixture f;

    @BeforeEach
    void open() {
        storage = TestStorage.database(dataDir);
        f = new PoolFixture(storage, clock, INSTANCE);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private FailureDecision answer(String id, int status, String body) {
        return answer(id, status, body, null);
    }

    /** What the proxy does with an upstream answer for the key it picked. */
    private FailureDecision answer(String id, int status, String body, Duration retryAfter) {
        PoolKey used = f.key(id);
        return f.lifecycle.onAnswer(used, CLASSIFIER.classify(status, ErrorReport.unstructured(body), RequestText.NONE), status,
                Optional.ofNullable(retryAfter));
    }

    private Instant now() {
        return clock.instant();
    }

    private List<KeyEvent> events(String id) {
        return f.events.page(id, 0, 100);
    }

    // --- MarkUsingFailover --------------------------------------------------------------------------------

    @Test
    void markUsingFailoverSwitchesTheKeyClearsItsCooldownAndPersistsIt() {
        f.addKey("k1", true);
        answer("k1", 429, "rate limit reached", Duration.ofSeconds(10)); // a cooldown for the switch to clear
        clock.advanceSeconds(10);

        FailureDecision decision = answer("k1", 402, "{\"error\":\"insufficient balance\"}");

        assertEquals(KeyAction.MARK_USING_FAILOVER, decision.action());
        assertTrue(decision.retry());
        for (PoolKey k : List.of(f.key("k1"), f.stored("k1"))) {
            assertEquals(KeyStatus.USING_FAILOVER, k.status());
            assertEquals("Switched to backup endpoint", k.lastError());
            assertNull(k.cooldownUntil());
            assertTrue(k.enableFailover());
        }
        assertEquals(new KeyEvent("k1", "rate_limited", "using_failover", "quota_exceeded", 402,
                "Switched to backup endpoint", INSTANCE, now()), events("k1").get(0));
    }

    @Test
    void usingFailoverKeysAreAvailableAndPicked() {
        f.addKey("k1", true);
        answer("k1", 402, "");

        assertTrue(f.key("k1").isAvailable(now()));
        assertEquals(1, f.pool.availableCount());
        assertEquals("k1", f.pool.pick().orElseThrow().id());
    }

    @Test
    void theEndpointIsChosenByTheKeysStatus() {
        f.addKey("stays", true);
        f.addKey("moves", true);
        answer("moves", 402, "");

        assertFalse(f.key("stays").usesFailoverEndpoint(now()));
        assertTrue(f.key("moves").usesFailoverEndpoint(now()));

        KeyPool otherInstance = new KeyPool(clock);
        otherInstance.reload(f.keys.loadAll(), Set.of(), otherInstance.stamp());
        assertFalse(otherInstance.get("stays").orElseThrow().usesFailoverEndpoint(now()));
        assertTrue(otherInstance.get("moves").orElseThrow().usesFailoverEndpoint(now()));
    }

    // --- the table of SPEC §3 -----------------------------------------------------------------------------

    enum Outcome { FAILOVER, ROTATE, COOLDOWN, NOTHING }

    @Test
    void aKeyAlreadyReplacedByAnotherRequestIsNotRotatedAgainNorCountedAgainstTheBurst() {
        f.addKey("k1", false);
        f.addBackup("b1", false);
        f.addBackup("b2", false);
        PoolKey pickedByTwoRequests = f.key("k1");
        FailureClass quota = CLASSIFIER.classify(402, ErrorReport.unstructured("insufficient balance"), RequestText.NONE);
        assertEquals(KeyAction.ROTATE, f.lifecycle.onAnswer(pickedByTwoRequests, quota, 402, Optional.empty(), false).action());
        FailureDecision late = f.lifecycle.onAnswer(pickedByTwoRequests, quota, 402, Optional.empty(), false);
        assertEquals(KeyAction.NONE, late.action(), "the key was already replaced");
        assertTrue(late.retry(), "the request still goes on to another key");
        assertEquals(1, f.backups.countAvailable(), "one backup used, not two");
    }

    @ParameterizedTest(name = "{0} \"{1}\" on a {3} key with enableFailover={2} -> {4}, retry={5}")
    @CsvSource(delimiter = '|', value = {
            // success
            "200 | {}                                     | false | healthy        | NOTHING  | false",
            "200 | {}                                     | true  | using_failover | NOTHING  | false",
            // quota
            "402 | insufficient balance                   | false | healthy        | ROTATE   | true",
            "402 | insufficient balance                   | true  | healthy        | FAILOVER | true",
            "402 | insufficient balance                   | true  | using_failover | ROTATE   | true",
            "402 | insufficient balance                   | false | using_failover | ROTATE   | true",
            "400 | {\"error\":{\"code\":\"ExceededBudget\"}} | false | healthy        | ROTATE   | true",
            "400 | {\"error\":{\"code\":\"ExceededBudget\"}} | true  | healthy        | FAILOVER | true",
            "400 | {\"error\":{\"code\":\"ExceededBudget\"}} | true  | using_failover | ROTATE   | true",
            "400 | {\"type\":\"budget_exceeded\"}         | true  | healthy        | FAILOVER | true",
            "400 | Key is Over Budget                     | false | healthy        | ROTATE   | true",
            // permanent block
            "429 | {\"error\":\"key banned\"}             | false | healthy        | ROTATE   | true",
            "429 | {\"error\":\"key banned\"}             | true  | healthy        | FAILOVER | true",
            "429 | {\"error\":\"key banned\"}             | true  | using_failover | ROTATE   | true",
            "429 | account blocked                        | true  | healthy        | FAILOVER | true",
            "429 | account suspended                      | false | healthy        | ROTATE   | true",
            "429 | key disabled                           | true  | using_failover | ROTATE   | true",
            // rate limit
            "429 | {\"error\":\"rate limit reached\"}     | false | healthy        | COOLDOWN | true",
            "429 | {\"error\":\"rate limit reached\"}     | true  | healthy        | COOLDOWN | true",
            "429 | {\"error\":\"rate limit reached\"}     | true  | using_failover | COOLDOWN | true",
            // credential
            "401 | invalid api key                        | false | healthy        | ROTATE   | true",
            "401 | invalid api key                        | true  | healthy        | ROTATE   | true",
            "401 | invalid api key                        | true  | using_failover | ROTATE   | true",
            "403 | forbidden                              | false | healthy        | ROTATE   | true",
            "403 | forbidden                              | true  | healthy        | ROTATE   | true",
            "403 | forbidden                              | true  | using_failover | ROTATE   | true",
            // other 4xx: the request's fault, passed to the client
            "400 | prompt is too long: 300000 tokens      | false | healthy        | NOTHING  | false",
            "400 | prompt is too long: 300000 tokens      | true  | healthy        | NOTHING  | false",
            "400 | prompt is too long: 300000 tokens      | true  | using_failover | NOTHING  | false",
            "404 | model not found                        | false | healthy        | NOTHING  | false",
            "404 | model not found                        | true  | using_failover | NOTHING  | false",
            "413 | too large                              | true  | healthy        | NOTHING  | false",
            "422 | unprocessable                          | false | healthy        | NOTHING  | false",
            // 5xx: transient
            "500 | internal error                         | false | healthy        | NOTHING  | true",
            "502 | bad gateway                            | true  | healthy        | NOTHING  | true",
            "503 | unavailable                            | true  | using_failover | NOTHING  | true",
            "529 | overloaded                             | false | healthy        | NOTHING  | true",
    })
    void carriesOutEveryRowOfTheFailureTable(int status, String body, boolean enableFailover, String start,
                                             Outcome expected, boolean retry) {
        f.addKey("k1", enableFailover);
        f.addBackup("b1", false);
        if (start.equals("using_failover")) {
            f.lifecycle.markUsingFailover(f.key("k1"), EventReason.QUOTA_EXCEEDED, 402);
        }
        PoolKey before = f.key("k1");
        long eventsBefore = f.events.count(null);

        FailureDecision decision = answer("k1", status, body);

        assertEquals(retry, decision.retry());
        BackupKey backup = f.backups.find("b1").orElseThrow();
        switch (expected) {
            case FAILOVER -> {
                assertEquals(KeyStatus.USING_FAILOVER, f.key("k1").status());
                assertEquals(KeyStatus.USING_FAILOVER, f.stored("k1").status());
                assertFalse(backup.isUsed());
            }
            case ROTATE -> {
                assertTrue(f.keys.find("k1").isEmpty(), "the failed key is deleted");
                assertTrue(f.pool.get("k1").isEmpty(), "and gone from the pool");
                PoolKey replacement = f.stored("b1");
                assertEquals(KeyStatus.HEALTHY, replacement.status());
                assertEquals("k1", replacement.replacedKey());
                assertEquals(replacement, f.key("b1"));
                assertTrue(backup.isUsed());
            }
            case COOLDOWN -> {
                for (PoolKey k : List.of(f.key("k1"), f.stored("k1"))) {
                    assertEquals(KeyStatus.RATE_LIMITED, k.status());
                    assertEquals(now().plus(Duration.ofMinutes(2)), k.cooldownUntil());
                    assertEquals(before.status(), k.resumeStatus());
                }
                assertFalse(f.key("k1").isAvailable(now()));
                assertFalse(backup.isUsed());
            }
            case NOTHING -> {
                assertEquals(before, f.key("k1"));
                assertEquals(before.state(), f.stored("k1").state());
                assertEquals(eventsBefore, f.events.count(null));
                assertFalse(backup.isUsed());
            }
        }
    }

    @Test
    void aConnectionFailureBeforeTheFirstByteChangesNothing() {
        PoolKey k = f.addKey("k1", true);

        FailureDecision decision = f.lifecycle.onAnswer(k, FailureClass.TRANSIENT, null, Optional.empty());

        assertEquals(KeyAction.NONE, decision.action());
        assertTrue(decision.retry());
        assertEquals(k, f.key("k1"));
        assertEquals(k.state(), f.stored("k1").state());
    }

    @Test
    void aPlainRateLimitCoolsDownForRetryAfterOrTwoMinutes() {
        f.addKey("told", false);
        f.addKey("untold", false);

        answer("told", 429, "slow down", Duration.ofSeconds(17));
        answer("untold", 429, "slow down");

        assertEquals(now().plusSeconds(17), f.stored("told").cooldownUntil());
        assertEquals(now().plus(Duration.ofMinutes(2)), f.stored("untold").cooldownUntil());
        assertEquals("Rate limited by upstream; cooling down for 17 s", f.stored("told").lastError());
        KeyEvent e = events("told").get(0);
        assertEquals("rate_limited", e.reason());
        assertEquals(429, e.upstreamStatus());
        assertEquals("healthy", e.from());
        assertEquals("rate_limited", e.to());

        assertTrue(f.pool.pick().isEmpty(), "both cooling down");
        assertEquals(Optional.of(now().plusSeconds(17)), f.pool.soonestRecovery());
        clock.advanceSeconds(17);
        assertEquals("told", f.pool.pick().orElseThrow().id());
    }

    // --- RotateKey ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "backup enableFailover={0}, failed key enableFailover={1} -> replacement {2}")
    @CsvSource({"false, false, false", "true, false, true", "false, true, true", "true, true, true"})
    void theReplacementInheritsFailoverFromTheBackupOrTheFailedKey(boolean backup, boolean failed, boolean expected) {
        f.addKey("k1", failed);
        f.addBackup("b1", backup);

        answer("k1", 401, "invalid api key");

        assertEquals(expected, f.stored("b1").enableFailover());
        assertEquals(expected, f.key("b1").enableFailover());
        assertTrue(events("k1").get(0).detail().contains("enableFailover=" + expected), events("k1").get(0).detail());
    }

    @Test
    void rotationReplacesTheFailedKeyWithTheOldestUnusedBackup() {
        f.addKey("k1", false);
        f.addKey("k2", false);
        BackupKey oldest = f.addBackup("b1", false);
        f.addBackup("b2", false);
        Instant at = now();

        answer("k1", 402, "insufficient balance");

        assertTrue(f.keys.find("k1").isEmpty());
        assertTrue(f.pool.get("k1").isEmpty());
        PoolKey replacement = f.stored("b1");
        assertEquals(KeyStatus.HEALTHY, replacement.status());
        assertEquals("k1", replacement.replacedKey());
        assertTrue(oldest.apiKey().equals(replacement.apiKey()), "the replacement holds the backup's API key");
        assertNull(replacement.lastError());
        assertEquals(0, replacement.tokensUsed());

        BackupKey used = f.backups.find("b1").orElseThrow();
        assertTrue(used.isUsed());
        assertTrue(used.activated());
        assertEquals("k1", used.usedFor());
        assertEquals(at, used.usedAt());
        assertEquals(at.plus(Duration.ofHours(12)), used.deletesAt(Duration.ofHours(12)));
        assertFalse(f.backups.find("b2").orElseThrow().isUsed());
        assertEquals(1, f.backups.countAvailable());

        assertEquals(2, f.pool.availableCount(), "k2 and the replacement");
        KeyEvent out = events("k1").get(0);
        assertEquals("rotated_out", out.reason());
        assertEquals("healthy", out.from());
        assertNull(out.to());
        assertEquals(402, out.upstreamStatus());
        KeyEvent in = events("b1").get(0);
        assertEquals("rotated_in", in.reason());
        assertEquals("healthy", in.to());
        assertTrue(f.keys.pendingRotations(null, Instant.MAX).isEmpty(), "no rotation left unfinished");
    }

    @Test
    void aReplacementWhoseIdIsTakenGetsTheNextFreeId() {
        f.addKey("k1", false);
        f.addKey("b1", false); // an operator key already named like the backup
        f.addBackup("b1", false);

        answer("k1", 401, "");

        PoolKey replacement = f.stored("b1-2");
        assertEquals("k1", replacement.replacedKey());
        assertNull(f.stored("b1").replacedKey(), "the operator's key is untouched");
    }

    @Test
    void withNoBackupLeftTheKeyIsExhaustedForTwentyFourHours() {
        f.addKey("k1", false);
        f.addKey("k2", false);

        FailureDecision decision = answer("k1", 402, "insufficient balance");

        assertEquals(KeyAction.ROTATE, decision.action());
        for (PoolKey k : List.of(f.key("k1"), f.stored("k1"))) {
            assertEquals(KeyStatus.EXHAUSTED, k.status());
            assertEquals(now().plus(Duration.ofHours(24)), k.cooldownUntil());
        }
        for (int i = 0; i < 5; i++) {
            assertEquals("k2", f.pool.pick().orElseThrow().id());
        }
        KeyEvent e = events("k1").get(0);
        assertEquals("no_backup_left", e.reason());
        assertEquals("exhausted", e.to());
        assertTrue(f.keys.pendingRotations(null, Instant.MAX).isEmpty());

        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertFalse(f.key("k1").isAvailable(now()));
        clock.advanceSeconds(1);
        assertTrue(f.key("k1").isAvailable(now()));
        assertEquals(KeyStatus.HEALTHY, f.key("k1").effectiveStatus(now()));

        assertEquals(1, f.lifecycle.sweepCooldowns());
        assertEquals(KeyStatus.HEALTHY, f.stored("k1").status());
        assertNull(f.stored("k1").cooldownUntil());
    }

    @Test
    void anExhaustedKeyWhoseCooldownEndedIsRotatedWhenABackupHasArrived() {
        f.addKey("k1", false);
        answer("k1", 402, "");
        clock.advance(Duration.ofHours(24));
        f.addBackup("b1", false);

        answer("k1", 402, "");

        assertTrue(f.keys.find("k1").isEmpty());
        assertEquals("k1", f.stored("b1").replacedKey());
    }

    // --- MarkRateLimited and the cooldown sweep ----------------------------------------------------------

    @Test
    void aKeyRateLimitedOnTheFailoverEndpointGoesBackThereWhenItsCooldownEnds() {
        f.addKey("k1", true);
        answer("k1", 402, "insufficient balance");
        answer("k1", 429, "rate limit reached", Duration.ofSeconds(30));

        for (PoolKey k : List.of(f.key("k1"), f.stored("k1"))) {
            assertEquals(KeyStatus.RATE_LIMITED, k.status());
            assertEquals(KeyStatus.USING_FAILOVER, k.resumeStatus());
        }
        assertTrue(f.pool.pick().isEmpty());

        clock.advanceSeconds(30);
        // before the sweep: the key is already back, on the failover endpoint
        PoolKey picked = f.pool.pick().orElseThrow();
        assertEquals(KeyStatus.USING_FAILOVER, picked.effectiveStatus(now()));
        assertTrue(picked.usesFailoverEndpoint(now()));
        KeyPool otherInstance = new KeyPool(clock);
        otherInstance.reload(f.keys.loadAll(), Set.of(), otherInstance.stamp());
        assertTrue(otherInstance.pick().orElseThrow().usesFailoverEndpoint(now()));

        assertEquals(1, f.lifecycle.sweepCooldowns());

        for (PoolKey k : List.of(f.key("k1"), f.stored("k1"))) {
            assertEquals(KeyStatus.USING_FAILOVER, k.status());
            assertNull(k.cooldownUntil());
            assertTrue(k.usesFailoverEndpoint(now()));
        }
        KeyEvent e = events("k1").get(0);
        assertEquals("cooldown_ended", e.reason());
        assertEquals("rate_limited", e.from());
        assertEquals("using_failover", e.to());
    }

    @Test
    void aQuotaErrorOnTheFailoverEndpointAfterACooldownRotatesTheKey() {
        f.addKey("k1", true);
        f.addBackup("b1", false);
        answer("k1", 402, "");
        answer("k1", 429, "", Duration.ofSeconds(5));
        clock.advanceSeconds(5);

        FailureDecision decision = answer("k1", 402, "");

        assertEquals(KeyAction.ROTATE, decision.action(), "the primary endpoint already refused it");
        assertEquals("k1", f.stored("b1").replacedKey());
    }

    @Test
    void aHealthyKeyRateLimitedGoesBackToHealthyThroughTheMaintenanceSweep() {
        f.addKey("k1", true);
        answer("k1", 429, "");
        clock.advance(Duration.ofMinutes(2));

        assertEquals(KeyStatus.HEALTHY, f.key("k1").effectiveStatus(now()));
        f.maintenance.sweep();

        assertEquals(KeyStatus.HEALTHY, f.stored("k1").status());
        assertEquals(KeyStatus.HEALTHY, f.key("k1").status());
        assertFalse(f.key("k1").usesFailoverEndpoint(now()));
    }

    @Test
    void theSweepLeavesKeysStillCoolingDown() {
        f.addKey("k1", false);
        answer("k1", 429, "", Duration.ofSeconds(60));
        clock.advanceSeconds(59);

        assertEquals(0, f.lifecycle.sweepCooldowns());
        assertEquals(KeyStatus.RATE_LIMITED, f.stored("k1").status());
    }

    // --- reset --------------------------------------------------------------------------------------------

    @Test
    void resetBringsAKeyBackHealthyAndKeepsItsSettingAndUsage() {
        f.addKey("k1", true);
        f.keys.addUsage(Map.of("k1", new UsageDelta(1234, 7, now())));
        answer("k1", 402, "");
        answer("k1", 429, "", Duration.ofMinutes(5));

        PoolKey after = f.admin.reset("k1").orElseThrow();

        for (PoolKey k : List.of(after, f.key("k1"), f.stored("k1"))) {
            assertEquals(KeyStatus.HEALTHY, k.status());
            assertNull(k.lastError());
            assertNull(k.cooldownUntil());
            assertTrue(k.enableFailover());
            assertEquals(1234, k.tokensUsed());
            assertEquals(7, k.requestsCount());
            assertFalse(k.usesFailoverEndpoint(now()));
        }
        KeyEvent e = events("k1").get(0);
        assertEquals("reset_by_operator", e.reason());
        assertEquals("rate_limited", e.from());
        assertEquals("healthy", e.to());
        assertTrue(f.admin.reset("missing").isEmpty());
    }

    // --- used backup keys ---------------------------------------------------------------------------------

    @Test
    void usedBackupKeysAreDeletedTwelveHoursAfterUse() {
        f.addKey("k1", false);
        f.addBackup("b1", false);
        f.addBackup("b2", false);
        answer("k1", 401, "");

        clock.advance(Duration.ofHours(12).minusSeconds(1));
        f.maintenance.sweep();
        assertTrue(f.backups.find("b1").isPresent(), "kept for 12 h");

        clock.advanceSeconds(2);
        f.maintenance.sweep();
        assertTrue(f.backups.find("b1").isEmpty(), "deleted after 12 h");
        assertTrue(f.backups.find("b2").isPresent(), "unused backups stay");
        assertTrue(f.keys.find("b1").isPresent(), "the pool key made from it stays");
        assertEquals(0, f.backups.deleteUsedBefore(now()));
    }

    // --- concurrency on one instance ----------------------------------------------------------------------

    @Test
    void twoRequestsFailingOnOneKeyAtOnceActOnce() throws Exception {
        int rounds = 10;
        for (int i = 0; i < rounds; i++) {
            f.addKey("fo" + i, true);
            f.addKey("rl" + i, false);
            f.addKey("rot" + i, false);
        }
        for (int i = 0; i < 2 * rounds; i++) {
            f.addBackup(String.format("b%02d", i), false);
        }
        for (int i = 0; i < rounds; i++) {
            PoolKey fo = f.key("fo" + i);
            PoolKey rl = f.key("rl" + i);
            PoolKey rot = f.key("rot" + i);
            together(() -> f.lifecycle.onAnswer(fo, FailureClass.QUOTA, 402, Optional.empty()),
                    () -> f.lifecycle.onAnswer(fo, FailureClass.QUOTA, 402, Optional.empty()));
            together(() -> f.lifecycle.onAnswer(rl, FailureClass.RATE_LIMIT, 429, Optional.empty()),
                    () -> f.lifecycle.onAnswer(rl, FailureClass.RATE_LIMIT, 429, Optional.empty()));
            together(() -> f.lifecycle.onAnswer(rot, FailureClass.CREDENTIAL, 401, Optional.empty()),
                    () -> f.lifecycle.onAnswer(rot, FailureClass.CREDENTIAL, 401, Optional.empty()));

            assertEquals(1, events("fo" + i).size() - 1, "one switch (after the creation event)");
            assertEquals(KeyStatus.USING_FAILOVER, f.stored("fo" + i).status());
            assertEquals(1, events("rl" + i).size() - 1, "one cooldown");
            assertEquals(KeyStatus.RATE_LIMITED, f.stored("rl" + i).status());
            assertTrue(f.keys.find("rot" + i).isEmpty());
        }
        List<BackupKey> used = f.backups.loadAll().stream().filter(BackupKey::isUsed).toList();
        assertEquals(rounds, used.size(), "one backup per rotated key");
        assertEquals(rounds, used.stream().map(BackupKey::usedFor).distinct().count());
        assertEquals(rounds, f.backups.countAvailable());
    }

    /** Runs both at the same moment on two threads and waits for both. */
    private static void together(Runnable a, Runnable b) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable r : List.of(a, b)) {
            Thread t = new Thread(() -> {
                try {
                    gate.await();
                    r.run();
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        gate.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(t.isAlive(), "a failure handler hung");
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a failure handler threw", failures.get(0));
        }
    }
}
