package io.keyrelay.insight;

import java.util.Optional;

/** Statuses a request-log filter matches: {@code [low, high]}; one status, or a class such as {@code 5xx}. */
public record StatusFilter(int low, int high) {

    /** {@code 429}, or {@code 1xx} to {@code 5xx}; empty when {@code text} is neither. */
    public static Optional<StatusFilter> parse(String text) {
        if (text.length() == 3 && text.charAt(0) >= '1' && text.charAt(0) <= '5'
                && (text.endsWith("xx") || text.endsWith("XX"))) {
            int low = (text.charAt(0) - '0') * 100;
            return Optional.of(new StatusFilter(low, low + 99));
        }
        if (text.length() == 3 && text.chars().allMatch(Character::isDigit)) {
            int status = Integer.parseInt(text);
            return status >= 100 && status <= 599 ? Optional.of(new StatusFilter(status, status)) : Optional.empty();
        }
        return Optional.empty();
    }
}
