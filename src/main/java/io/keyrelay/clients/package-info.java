/** Client keys: issued, stored as hashes, checked from memory on every request, limited per minute, usage counted. */
package io.keyrelay.clients;
