package io.keyrelay.upstream;

/** Kinds of error KeyRelay reports to clients, with each dialect's names for them. */
public enum ErrorKind {
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request_error", "invalid_request"),
    AUTHENTICATION(401, "authentication_error", "invalid_request_error", "invalid_api_key"),
    PERMISSION(403, "permission_error", "invalid_request_error", "permission_denied"),
    NOT_FOUND(404, "not_found_error", "invalid_request_error", "not_found"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "invalid_request_error", "method_not_allowed"),
    REQUEST_TIMEOUT(408, "invalid_request_error", "invalid_request_error", "request_timeout"),
    TOO_LARGE(413, "request_too_large", "invalid_request_error", "request_too_large"),
    RATE_LIMITED(429, "rate_limit_error", "rate_limit_error", "rate_limit_exceeded"),
    BUDGET_EXCEEDED(429, "rate_limit_error", "insufficient_quota", "insufficient_quota"),
    UPSTREAM_ERROR(502, "api_error", "server_error", "upstream_error"),
    NO_KEY_AVAILABLE(503, "overloaded_error", "server_error", "service_unavailable"),
    TIMEOUT(504, "api_error", "server_error", "timeout"),
    STREAM_INTERRUPTED(502, "api_error", "server_error", "stream_interrupted");

    private final int status;
    private final String anthropicType;
    private final String openAiType;
    private final String code;

    ErrorKind(int status, String anthropicType, String openAiType, String code) {
        this.status = status;
        this.anthropicType = anthropicType;
        this.openAiType = openAiType;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String anthropicType() {
        return anthropicType;
    }

    public String openAiType() {
        return openAiType;
    }

    public String code() {
        return code;
    }

    /** The kind for a 4xx the upstream sent about the request itself. */
    public static ErrorKind forClientStatus(int status) {
        return switch (status) {
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 413 -> TOO_LARGE;
            case 429 -> RATE_LIMITED;
            default -> INVALID_REQUEST;
        };
    }
}
