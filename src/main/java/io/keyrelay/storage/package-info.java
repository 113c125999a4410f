/** MongoDB adapters for the domain's ports, and the embedded MongoDB-compatible server used when no database is configured. The only package that imports com.mongodb. */
package io.keyrelay.storage;
