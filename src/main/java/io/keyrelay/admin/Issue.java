package io.keyrelay.admin;

import io.vertx.core.json.JsonObject;

/** One problem with a request's input: where ({@code keys[2].apiKey}, empty for the whole body) and what. */
record Issue(String path, String message) {
    JsonObject toJson() {
        return new JsonObject().put("path", path).put("message", message);
    }
}
