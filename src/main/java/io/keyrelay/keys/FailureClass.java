package io.keyrelay.keys;

/** What an upstream answer means for the key that produced it (SPEC §3). */
public enum FailureClass {
    /** 2xx: the key works. */
    SUCCESS,
    /** The key's balance or budget is spent. */
    QUOTA,
    /** The upstream refuses the key for good (banned, blocked, suspended, disabled). */
    PERMANENT_BLOCK,
    /** Too many requests for now; the key recovers after a cooldown. */
    RATE_LIMIT,
    /** The key is not accepted (401/403). */
    CREDENTIAL,
    /** The request itself is wrong; another key would get the same answer. */
    CLIENT_ERROR,
    /** 5xx, a connection failure or a timeout before the first byte: nothing is known about the key. */
    TRANSIENT
}
