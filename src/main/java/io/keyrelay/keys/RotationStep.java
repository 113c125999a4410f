package io.keyrelay.keys;

/** The steps of a rotation, in order; a crash after any of them is finished or undone by recovery. */
public enum RotationStep {
    FAILED_KEY_CLAIMED,
    BACKUP_CLAIMED,
    TARGET_RECORDED,
    REPLACEMENT_INSERTED,
    BACKUP_ACTIVATED,
    FAILED_KEY_DELETED;

    /** Observes each completed step; tests use it to stop a process between two steps. */
    public interface Listener {
        Listener NONE = (step, failedKeyId) -> { };

        void after(RotationStep step, String failedKeyId);
    }
}
