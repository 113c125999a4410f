package io.keyrelay.admin;

import io.vertx.core.json.JsonObject;

/** A successful JSON answer: status and body. */
record Reply(int status, JsonObject body) {
    static Reply ok(JsonObject body) {
        return new Reply(200, body);
    }

    static Reply created(JsonObject body) {
        return new Reply(201, body);
    }

    static Reply success() {
        return ok(new JsonObject().put("success", true));
    }
}
