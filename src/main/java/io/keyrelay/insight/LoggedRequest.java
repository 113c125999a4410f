package io.keyrelay.insight;

/** A request as read back from the log: its id and the instance that served it. */
public record LoggedRequest(String id, String instance, RequestRecord request) {
}
