package io.keyrelay.upstream;

/** Which configured URL a route goes to. */
public enum EndpointKind {
    /** {@code KEYRELAY_*_MESSAGES_URL}. */
    MESSAGES,
    /** {@code KEYRELAY_*_COMPLETIONS_URL}. */
    COMPLETIONS,
    /** {@code KEYRELAY_*_BASE_URL} followed by the route's own path. */
    BASE
}
