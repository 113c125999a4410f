package io.keyrelay.keys;

/** Why a key changed state; recorded with every {@link KeyEvent} by its wire name. */
public enum EventReason {
    QUOTA_EXCEEDED("quota_exceeded"),
    PERMANENTLY_BLOCKED("permanently_blocked"),
    RATE_LIMITED("rate_limited"),
    CREDENTIAL_REJECTED("credential_rejected"),
    ROTATED_OUT("rotated_out"),
    ROTATED_IN("rotated_in"),
    NO_BACKUP_LEFT("no_backup_left"),
    ROTATION_DEFERRED("rotation_deferred"),
    ROTATION_PAUSED("rotation_paused"),
    COOLDOWN_ENDED("cooldown_ended"),
    ROTATION_RECOVERED("rotation_recovered"),
    RESET_BY_OPERATOR("reset_by_operator"),
    CREATED_BY_OPERATOR("created_by_operator"),
    DELETED_BY_OPERATOR("deleted_by_operator"),
    FAILOVER_SETTING_CHANGED("failover_setting_changed");

    private final String wireName;

    EventReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The reason a key changes for an upstream answer of this class. */
    public static EventReason of(FailureClass failure) {
        return switch (failure) {
            case QUOTA -> QUOTA_EXCEEDED;
            case PERMANENT_BLOCK -> PERMANENTLY_BLOCKED;
            case RATE_LIMIT -> RATE_LIMITED;
            case CREDENTIAL -> CREDENTIAL_REJECTED;
            default -> throw new IllegalArgumentException("no state change for " + failure);
        };
    }
}
