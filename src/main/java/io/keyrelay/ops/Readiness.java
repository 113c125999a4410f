package io.keyrelay.ops;

import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance is ready: the database answered its last ping, the key pool has been loaded, and it is
 * not shutting down. Pings run on the operations thread ({@link #probe}), never on a request's path; {@code /readyz}
 * reads the last result.
 */
public final class Readiness {
    private static final Logger log = LoggerFactory.getLogger(Readiness.class);

    /** A snapshot for {@code /readyz}. */
    public record Status(boolean ready, String reason, boolean databaseReachable, boolean poolLoaded,
                         boolean shuttingDown, int queuedStateChanges) {

        public JsonObject toJson() {
            JsonObject json = new JsonObject()
                    .put("status", ready ? "ready" : "unavailable")
                    .put("database", databaseReachable ? "reachable" : "unreachable")
                    .put("pool", poolLoaded ? "loaded" : "not loaded")
                    .put("queuedStateChanges", queuedStateChanges);
            if (reason != null) {
                json.put("reason", reason);
            }
            return json;
        }
    }

    private final BooleanSupplier ping;
    private final IntSupplier queuedStateChanges;
    private volatile boolean databaseReachable = true;
    private volatile boolean poolLoaded;
    private volatile boolean shuttingDown;

    Readiness(BooleanSupplier ping, IntSupplier queuedStateChanges) {
        this.ping = ping;
        this.queuedStateChanges = queuedStateChanges;
    }

    /** Pings the database once; blocks up to the driver's server selection timeout. */
    void probe() {
        boolean reachable = ping.getAsBoolean();
        if (reachable != databaseReachable) {
            if (reachable) {
                log.info("database reachable again (ping answered)");
            } else {
                log.warn("database unreachable (ping failed); the proxy keeps serving from memory and queues state changes");
            }
        }
        databaseReachable = reachable;
    }

    public void markPoolLoaded() {
        poolLoaded = true;
    }

    public void markShuttingDown() {
        shuttingDown = true;
    }

    public boolean databaseReachable() {
        return databaseReachable;
    }

    public Status current() {
        int queued = queuedStateChanges.getAsInt();
        String reason = null;
        if (shuttingDown) {
            reason = "shutting down";
        } else if (!poolLoaded) {
            reason = "key pool not loaded yet (waiting for the database)";
        } else if (!databaseReachable) {
            reason = "database unreachable; proxy requests are served from memory and " + queued
                    + " state changes are queued until it returns";
        }
        return new Status(reason == null, reason, databaseReachable, poolLoaded, shuttingDown, queued);
    }
}
