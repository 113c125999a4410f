package io.keyrelay.clients;

/** A newly created client key with its secret, which is shown this once and never stored. */
public record IssuedClientKey(ClientKey key, String secret) {
}
