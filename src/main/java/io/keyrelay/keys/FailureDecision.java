package io.keyrelay.keys;

/** The policy's answer for one upstream answer: what happens to the key and whether the request is retried. */
public record FailureDecision(FailureClass failureClass, KeyAction action, boolean retry) {
}
