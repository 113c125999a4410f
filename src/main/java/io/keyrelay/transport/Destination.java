package io.keyrelay.transport;

/** Where a call goes: a host, its port and scheme, and the request target. */
public interface Destination {
    String host();

    int port();

    boolean ssl();

    /** The request target: path and query. */
    String path();

    /** The Host header: host, and port when it is not the scheme's default. */
    String authority();
}
