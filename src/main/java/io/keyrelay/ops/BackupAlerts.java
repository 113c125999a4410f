package io.keyrelay.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts about the backup pool: raised when fewer unused backup keys than the watermark are left, when a failed
 * key became exhausted because none was left, and while rotations are paused because too many happened within a
 * minute (SPEC §3; cleared a minute after the last pause). Each raised condition is notified (logged, and POSTed by the sender) at
 * most once per repeat interval, timed by the injected clock; a condition that clears is notified once as resolved.
 * The current state is what operators see ({@link #toJson}).
 */
public final class BackupAlerts {
    private static final Logger log = LoggerFactory.getLogger(BackupAlerts.class);

    /** What is wrong, by its wire name. */
    public enum Condition {
        BACKUP_LOW("backup_low"),
        NO_BACKUP_LEFT("no_backup_left"),
        ROTATION_BURST("rotation_burst");

        private final String wireName;

        Condition(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * One active alert.
     *
     * @param availableBackups unused backup keys at the last count
     * @param keyId            for {@code no_backup_left}: the key that became exhausted; for {@code rotation_burst}:
     *                         the last key cooled instead of rotated
     * @param limit            for {@code rotation_burst}: the rotations allowed per minute; null otherwise
     */
    public record Alert(Condition condition, String message, long availableBackups, int watermark, String keyId,
                        Integer limit, Instant since) {

        JsonObject toJson() {
            JsonObject json = new JsonObject().put("condition", condition.wireName()).put("message", message)
                    .put("availableBackups", availableBackups).put("watermark", watermark).put("keyId", keyId)
                    .put("since", since.toString());
            return limit == null ? json : json.put("limit", limit);
        }
    }

    private final int watermark;
    private final Duration repeatInterval;
    private final Clock clock;
    private final String instance;
    private final Consumer<JsonObject> sender;
    private final Map<Condition, Alert> active = new EnumMap<>(Condition.class);
    private final Map<Condition, Instant> lastNotified = new EnumMap<>(Condition.class);
    private final Set<Condition> notified = EnumSet.noneOf(Condition.class);
    private long availableBackups = -1;
    private Instant lastRotationPause;

    public BackupAlerts(int watermark, Duration repeatInterval, Clock clock, String instance, Consumer<JsonObject> sender) {
        this.watermark = watermark;
        this.repeatInterval = repeatInterval;
        this.clock = clock;
        this.instance = instance;
        this.sender = sender;
    }

    /** A fresh count of unused backup keys. */
    public synchronized void backupCount(long available) {
        availableBackups = available;
        if (available < watermark) {
            raise(Condition.BACKUP_LOW, "Only " + available + " unused backup key" + (available == 1 ? "" : "s")
                    + " left (watermark " + watermark + "); add backup keys", null);
        } else {
            clear(Condition.BACKUP_LOW);
        }
        if (available > 0) {
            clear(Condition.NO_BACKUP_LEFT);
        } else if (active.containsKey(Condition.NO_BACKUP_LEFT)) {
            Alert a = active.get(Condition.NO_BACKUP_LEFT);
            raise(Condition.NO_BACKUP_LEFT, a.message(), a.keyId());
        }
    }

    /** A failed key could not be replaced: no backup key was left, so it is exhausted. */
    public synchronized void keyExhausted(String keyId) {
        availableBackups = 0;
        raise(Condition.NO_BACKUP_LEFT, "Key " + keyId + " failed and no backup key was left to replace it;"
                + " it is exhausted until its cooldown ends. Add backup keys.", keyId);
        if (watermark > 0) {
            raise(Condition.BACKUP_LOW, "No unused backup key left (watermark " + watermark + "); add backup keys", null);
        }
    }

    /** A rotation was paused because more than {@code limit} happened within a minute; {@code keyId} rests instead. */
    public synchronized void rotationsPaused(String keyId, int limit) {
        lastRotationPause = clock.instant();
        raise(Condition.ROTATION_BURST, "More than " + limit + " keys were rotated within a minute: rotations are paused"
                + " and failing keys rest for a minute instead (last: " + keyId + ")", keyId, limit);
    }

    /** Clears the rotation-burst alert once a minute has passed without a paused rotation. */
    public synchronized void expireRotationBurst() {
        if (lastRotationPause != null
                && !clock.instant().isBefore(lastRotationPause.plus(io.keyrelay.keys.RotationBrake.WINDOW))) {
            lastRotationPause = null;
            clear(Condition.ROTATION_BURST);
        }
    }

    public synchronized List<Alert> active() {
        return new ArrayList<>(active.values());
    }

    public synchronized boolean isActive(Condition condition) {
        return active.containsKey(condition);
    }

    /** Unused backup keys at the last count, or -1 before the first. */
    public synchronized long availableBackups() {
        return availableBackups;
    }

    /** What {@code GET /admin/alerts} answers: {@code {alerts:[…], availableBackups, watermark}}. */
    public synchronized JsonObject toJson() {
        JsonArray list = new JsonArray();
        active.values().forEach(a -> list.add(a.toJson()));
        return new JsonObject().put("alerts", list).put("availableBackups", availableBackups).put("watermark", watermark);
    }

    private void raise(Condition condition, String message, String keyId) {
        raise(condition, message, keyId, null);
    }

    private void raise(Condition condition, String message, String keyId, Integer limit) {
        Instant now = clock.instant();
        Alert before = active.get(condition);
        Alert alert = new Alert(condition, message, Math.max(availableBackups, 0), watermark,
                keyId != null ? keyId : before == null ? null : before.keyId(), limit, before == null ? now : before.since());
        active.put(condition, alert);
        Instant last = lastNotified.get(condition);
        if (last != null && now.isBefore(last.plus(repeatInterval))) {
            return; // notified recently: not again before the repeat interval
        }
        lastNotified.put(condition, now);
        notified.add(condition);
        log.warn("ALERT {}: {}", condition.wireName(), message);
        notify(alert, "firing", now);
    }

    private void clear(Condition condition) {
        Alert was = active.remove(condition);
        if (was != null && notified.remove(condition)) {
            log.info("alert {} resolved", condition.wireName());
            String message = condition == Condition.ROTATION_BURST ? "Resolved: rotations resumed"
                    : "Resolved: " + availableBackups + " unused backup keys";
            notify(new Alert(condition, message, availableBackups, watermark, was.keyId(), was.limit(), was.since()),
                    "resolved", clock.instant());
        }
    }

    private void notify(Alert alert, String status, Instant now) {
        try {
            sender.accept(alert.toJson().put("status", status).put("source", "keyrelay").put("instance", instance)
                    .put("at", now.toString()));
        } catch (RuntimeException e) {
            log.warn("could not send alert {}: {}", alert.condition().wireName(), e.toString());
        }
    }
}
