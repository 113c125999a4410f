package io.keyrelay.admin;

import java.time.Instant;
import java.util.Map;

/**
 * Where signed-out sessions are kept, so that every instance refuses them and a restart forgets none (SPEC §5).
 * Each is kept until the moment its cookie would have expired anyway.
 */
public interface SessionRevocations {

    /** Records the session as signed out; idempotent. */
    void revoke(String sessionId, Instant expiresAt);

    /** The sessions signed out that have not yet expired, with their expiry. */
    Map<String, Instant> unexpired(Instant now);

    /** Forgets the sessions that have expired by {@code now}; returns how many. */
    long deleteExpired(Instant now);
}
