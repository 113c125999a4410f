/** Main, wiring and the HTTP servers: one verticle per event loop, proxy routes ahead of the router. */
package io.keyrelay.app;
