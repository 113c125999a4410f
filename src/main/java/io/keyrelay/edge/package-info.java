/**
 * The HTTP edge, where anyone on the network meets KeyRelay: the budget for request bodies buffered at once, the
 * deadlines of slow clients, the host names the admin side answers, and which proxies' forwarded headers to believe.
 */
package io.keyrelay.edge;
