package io.keyrelay.admin;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A successful JSON answer: status and body. A stale one (the database is down) was answered from memory; its body
 * says so ({@code stale: true}, and {@code staleAsOf} when it is an earlier answer kept), and so does a header.
 */
record Reply(int status, JsonObject body, boolean stale) {
    static final String STALE_HEADER = "X-KeyRelay-Stale";

    static Reply ok(JsonObject body) {
        return new Reply(200, body, false);
    }

    static Reply created(JsonObject body) {
        return new Reply(201, body, false);
    }

    static Reply success() {
        return ok(new JsonObject().put("success", true));
    }

    /** This answer from memory, while the database cannot be read. */
    Reply fromMemory() {
        return new Reply(status, body.put("stale", true), true);
    }

    /** An answer read earlier, at {@code readAt}, given again while the database cannot be read. */
    static Reply kept(JsonObject body, Instant readAt) {
        return new Reply(200, body.put("stale", true).put("staleAsOf", readAt.toString()), true);
    }
}
