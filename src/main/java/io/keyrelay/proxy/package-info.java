/** The client-facing streaming proxy: client-key checks, body validation, attempts and retries before the first byte, relaying with backpressure, and failure endings. */
package io.keyrelay.proxy;
