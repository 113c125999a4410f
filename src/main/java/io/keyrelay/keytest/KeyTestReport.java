package io.keyrelay.keytest;

import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.KeyAction;
import java.util.List;

/**
 * A key test's answer: each endpoint's result, and what KeyRelay would make of the key. {@code verdict} is the class of
 * the answer that decides (the key's own endpoint's, or the failover endpoint's when that one would move the key
 * there), {@code action} what the policy would do to the key, and {@code decidedByFailover} which endpoint decided.
 */
public record KeyTestReport(List<EndpointResult> results, FailureClass verdict, KeyAction action,
                            boolean decidedByFailover) {

    /** The name of a class in answers: one per {@link FailureClass}. */
    public static String name(FailureClass failureClass) {
        return switch (failureClass) {
            case SUCCESS -> "ok";
            case QUOTA -> "quota";
            case PERMANENT_BLOCK -> "banned";
            case RATE_LIMIT -> "rate_limited";
            case CREDENTIAL -> "invalid_key";
            case CLIENT_ERROR -> "client_error";
            case TRANSIENT -> "transient";
        };
    }

    /** The name of an action in answers; a test counts nothing, so counting usage is "none" too. */
    public static String name(KeyAction action) {
        return switch (action) {
            case NONE, COUNT_USAGE -> "none";
            case MARK_USING_FAILOVER -> "use_failover";
            case MARK_RATE_LIMITED, COOL_DOWN -> "cool_down";
            case ROTATE -> "rotate";
        };
    }
}
