package io.keyrelay.proxy;

import io.keyrelay.upstream.Dialect;
import io.vertx.core.http.HttpServerRequest;

/** A client's request once its key is accepted: which route, in which format, for which client key. */
record ClientRequest(HttpServerRequest http, ClientRoute route, Dialect dialect, String clientKeyId) {
}
