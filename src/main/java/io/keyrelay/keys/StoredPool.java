package io.keyrelay.keys;

import java.util.List;
import java.util.Set;

/**
 * The pool as the database holds it, read at once: its keys, and the ids of those with a rotation in progress (held by
 * any instance).
 */
public record StoredPool(List<PoolKey> keys, Set<String> rotating) {
}
