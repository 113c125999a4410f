package io.keyrelay.admin;

import java.util.List;

/** The request's input broke the API's rules; answered 400 with every {@link Issue} found. */
final class InvalidInputException extends RuntimeException {
    private final String error;
    private final List<Issue> issues;

    InvalidInputException(List<Issue> issues) {
        this("Invalid input", issues);
    }

    InvalidInputException(String error, List<Issue> issues) {
        super(error, null, false, false);
        this.error = error;
        this.issues = List.copyOf(issues);
    }

    static InvalidInputException malformedJson(String message) {
        return new InvalidInputException("Malformed JSON", List.of(new Issue("", message)));
    }

    String error() {
        return error;
    }

    List<Issue> issues() {
        return issues;
    }
}
