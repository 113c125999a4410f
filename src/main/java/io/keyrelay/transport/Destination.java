package io.keyrelay.transport;

/** Where calls go: a host, its port and scheme. Calls to one destination share its keep-alive connections. */
public interface Destination {
    String host();

    int port();

    boolean ssl();

    /** The Host header: host, and port when it is not the scheme's default. */
    String authority();
}
