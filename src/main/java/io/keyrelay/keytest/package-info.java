/**
 * The key test: one minimal request with one API key to the primary endpoint (and the failover one when the key would
 * use it), each answer judged by the proxy's own classifier and policy, without changing anything.
 */
package io.keyrelay.keytest;
