package io.keyrelay.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.ops.BackupAlerts.Condition;
import io.keyrelay.support.MutableClock;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert's conditions and its repeat rule, on a clock the test moves. */
class BackupAlertsTest {
    private final MutableClock clock = MutableClock.startingAt("2025-01-01T00:00:00Z");
    private final List<JsonObject> sent = new ArrayList<>();
    private final BackupAlerts alerts = new BackupAlerts(2, Duration.ofMinutes(10), clock, "relay-1", sent::add);

    @Test
    void fallingBelowTheWatermarkIsNotifiedOnceThenAtMostEveryTenMinutesWhileItLasts() {
        alerts.backupCount(3);
        assertTrue(sent.isEmpty());

        alerts.backupCount(1);
        assertEquals(1, sent.size());
        JsonObject alert = sent.get(0);
        assertEquals("backup_low", alert.getString("condition"));
        assertEquals("firing", alert.getString("status"));
        assertEquals(1, alert.getLong("availableBackups"));
        assertEquals(2, alert.getInteger("watermark"));
        assertEquals("relay-1", alert.getString("instance"));

        clock.advance(Duration.ofMinutes(9));
        alerts.backupCount(1);
        alerts.backupCount(0);
        assertEquals(1, sent.size(), "not repeated within ten minutes");
        assertTrue(alerts.isActive(Condition.BACKUP_LOW));

        clock.advance(Duration.ofMinutes(1));
        alerts.backupCount(0);
        assertEquals(2, sent.size(), "a reminder after ten minutes");
        assertEquals(0, sent.get(1).getLong("availableBackups"));
    }

    @Test
    void aClearedConditionIsNotifiedAsResolvedOnceAndFlappingDoesNotSpam() {
        alerts.backupCount(1);
        alerts.backupCount(5);
        assertEquals(List.of("firing", "resolved"), statuses());
        assertFalse(alerts.isActive(Condition.BACKUP_LOW));

        clock.advance(Duration.ofMinutes(1));
        alerts.backupCount(1); // raised again within ten minutes of the last notice: shown, not sent
        alerts.backupCount(5);
        alerts.backupCount(1);
        assertEquals(List.of("firing", "resolved"), statuses());
        assertTrue(alerts.isActive(Condition.BACKUP_LOW));
    }

    @Test
    void aKeyExhaustedWithNoBackupLeftRaisesItsOwnAlertUntilBackupKeysAreAdded() {
        alerts.backupCount(2);
        alerts.keyExhausted("k7");

        assertTrue(alerts.isActive(Condition.NO_BACKUP_LEFT));
        JsonObject exhausted = sent.stream().filter(a -> a.getString("condition").equals("no_backup_left")).findFirst().orElseThrow();
        assertEquals("k7", exhausted.getString("keyId"));
        assertTrue(exhausted.getString("message").contains("k7"));
        assertTrue(alerts.isActive(Condition.BACKUP_LOW), "no backup is left, so it is below the watermark too");

        alerts.keyExhausted("k8");
        assertEquals(1, sent.stream().filter(a -> a.getString("condition").equals("no_backup_left")).count(),
                "one notice per ten minutes, however many keys run out");

        alerts.backupCount(4);
        assertFalse(alerts.isActive(Condition.NO_BACKUP_LEFT));
        assertFalse(alerts.isActive(Condition.BACKUP_LOW));
        assertEquals(0, alerts.toJson().getJsonArray("alerts").size());
    }

    @Test
    void theStateOperatorsSeeListsActiveAlertsWithTheLastCount() {
        alerts.backupCount(1);
        JsonObject state = alerts.toJson();
        assertEquals(1, state.getLong("availableBackups"));
        assertEquals(2, state.getInteger("watermark"));
        assertEquals("backup_low", state.getJsonArray("alerts").getJsonObject(0).getString("condition"));
        assertEquals("2025-01-01T00:00:00Z", state.getJsonArray("alerts").getJsonObject(0).getString("since"));
    }

    private List<String> statuses() {
        return sent.stream().map(a -> a.getString("status")).toList();
    }
}
