package io.keyrelay.keys;

import java.time.Instant;
import java.util.Map;

/**
 * The instances sharing one database, each known by its last heartbeat ({@code keyrelay_instances}). A peer whose
 * heartbeat has gone stale is taken for dead, and its rotations are finished by another instance.
 */
public interface PeerRegistry {

    /** Records that {@code instance} is alive at {@code at}. */
    void beat(String instance, Instant at);

    /** Every instance's last heartbeat. */
    Map<String, Instant> lastBeats();

    /** Forgets {@code instance} if its last heartbeat is still not after {@code beatNotAfter} (it did not come back). */
    void forget(String instance, Instant beatNotAfter);

    /** Forgets {@code instance} at once: it is stopping and holds no rotation. */
    void leave(String instance);
}
