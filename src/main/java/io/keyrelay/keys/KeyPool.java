package io.keyrelay.keys;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The in-memory key pool that the request path reads. Picking a key never touches the database and costs O(1):
 * the available keys are kept in a precomputed {@link KeySelection} that is rebuilt only when a key or a breaker
 * changes or a cooldown ends. Changes are compare-and-set on the key value a caller saw, so two requests failing on
 * one key act once. A key being rotated, here or by another instance, is out of selection until the rotation ends.
 */
public final class KeyPool {
    /** Where a key's rotation runs, if it is being rotated. */
    private enum Rotation { NONE, HERE, ELSEWHERE }

    private record Entry(PoolKey key, Rotation rotation, long stamp) {
        boolean rotating() {
            return rotation != Rotation.NONE;
        }
    }

    private final Clock clock;
    private final EndpointBreakers breakers;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pendingWrites = new ConcurrentHashMap<>();
    private final Map<String, Long> tombstones = new ConcurrentHashMap<>();
    private final AtomicLong stamps = new AtomicLong();
    private final AtomicLong cursor = new AtomicLong();
    private volatile KeySelection selection = KeySelection.EMPTY;
    private final RotationSignals rotations = new RotationSignals();

    public KeyPool(Clock clock) {
        this(clock, new EndpointBreakers(EndpointBreakers.Settings.DEFAULT, clock));
    }

    public KeyPool(Clock clock, EndpointBreakers breakers) {
        this.clock = clock;
        this.breakers = breakers;
        breakers.onChange(this::rebuild);
    }

    /** The breakers of this pool's keys, which selection follows. */
    public EndpointBreakers breakers() {
        return breakers;
    }

    /**
     * The next available key in round-robin order, preferring one that {@code avoid} does not reject; when every
     * available key is rejected, the next one anyway (a retry may go to a key already tried); empty when none is.
     */
    public Optional<PoolKey> pick(Predicate<PoolKey> avoid) {
        KeySelection s = currentSelection();
        if (s.size() == 0) {
            return Optional.empty();
        }
        return s.pick(cursor.getAndIncrement(), avoid, breakers);
    }

    public Optional<PoolKey> pick() {
        return pick(k -> false);
    }

    public Optional<PoolKey> get(String id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.key());
    }

    public List<PoolKey> all() {
        return entries.values().stream().map(Entry::key).sorted(Comparator.comparing(PoolKey::id)).toList();
    }

    public int size() {
        return entries.size();
    }

    public int availableCount() {
        return currentSelection().size();
    }

    /** The earliest moment a cooling-down key becomes available again; empty when none will. */
    public Optional<Instant> soonestRecovery() {
        return Optional.ofNullable(currentSelection().nextRecovery());
    }

    /** Whether {@code expected} is still the key as it is now, with no rotation of it under way. */
    public boolean canRotate(PoolKey expected) {
        Entry current = entries.get(expected.id());
        return current != null && !current.rotating() && current.key().sameStateAs(expected);
    }

    /** Whether a rotation of the key runs, here or on another instance. */
    public boolean isRotating(String id) {
        Entry e = entries.get(id);
        return e != null && e.rotating();
    }

    public boolean rotationsInFlight() {
        return entries.values().stream().anyMatch(Entry::rotating);
    }

    /**
     * Completes when the next rotation in flight ends, here or elsewhere as a reload shows (its replacement
     * selectable, or the failed key gone): a request that found no key while one was on its way waits for this.
     * Take it before looking for a key, so that a rotation ending in between is not missed.
     */
    public CompletableFuture<Void> nextRotationEnd() {
        return rotations.nextEnd();
    }

    /** The key that replaced {@code failedId}, once its rotation (here or elsewhere) ended; empty when none came. */
    public CompletableFuture<Optional<PoolKey>> replacementOf(String failedId) {
        return rotations.replacementOf(failedId);
    }

    /** Replaces {@code expected} with {@code next} if the key is still exactly {@code expected}. */
    public boolean replace(PoolKey expected, PoolKey next) {
        Entry current = entries.get(expected.id());
        if (current == null || current.rotating() || !current.key().sameStateAs(expected)) {
            return false;
        }
        // usage counters may have been reloaded since the caller picked the key: keep the newer ones
        PoolKey updated = current.key().withState(next.state(), next.updatedAt());
        boolean swapped = entries.replace(expected.id(), current, new Entry(updated, Rotation.NONE, stamps.incrementAndGet()));
        if (swapped) {
            rebuild();
        }
        return swapped;
    }

    /** Sets keys as stored or as an operator set them, with one rebuild; a key being rotated stays out of selection. */
    public void put(PoolKey... keys) {
        for (PoolKey key : keys) {
            entries.compute(key.id(), (id, old) -> new Entry(key, old == null ? Rotation.NONE : old.rotation(), stamps.incrementAndGet()));
            tombstones.remove(key.id());
        }
        rebuild();
    }

    public void remove(String id) {
        if (entries.remove(id) != null) {
            // a reload that read the database before this removal must not bring the key back
            tombstones.put(id, stamps.incrementAndGet());
            rebuild();
        }
    }

    /** Takes a key out of selection while it is rotated; false if it changed or is already being rotated. */
    public boolean beginRotation(PoolKey expected) {
        Entry current = entries.get(expected.id());
        if (current == null || current.rotating() || !current.key().sameStateAs(expected)) {
            return false;
        }
        boolean swapped = entries.replace(expected.id(), current, new Entry(current.key(), Rotation.HERE, stamps.incrementAndGet()));
        if (swapped) {
            rotations.began(expected.id());
            rebuild();
        }
        return swapped;
    }

    /** Ends a rotation: the failed key leaves and its replacement, if any, joins. */
    public void completeRotation(String failedId, PoolKey replacement) {
        // the replacement is selectable before the failed key leaves: a request that finds no key while neither
        // is visible would see no rotation in flight either, and fail with 503
        if (replacement != null) {
            entries.put(replacement.id(), new Entry(replacement, Rotation.NONE, stamps.incrementAndGet()));
            tombstones.remove(replacement.id());
            rebuild();
        }
        entries.remove(failedId);
        tombstones.put(failedId, stamps.incrementAndGet());
        rebuild();
        rotations.ended(failedId, replacement);
    }

    /**
     * Takes the database's word for one key (ending any rotation here): as it is stored, or gone.
     * {@code rotatingElsewhere}: another instance holds the key's rotation, so the key stays out of selection until a
     * reload shows that rotation ended.
     */
    public void adopt(String failedId, Optional<PoolKey> current, boolean rotatingElsewhere) {
        if (current.isPresent()) {
            Rotation site = rotatingElsewhere ? Rotation.ELSEWHERE : Rotation.NONE;
            entries.put(failedId, new Entry(current.get(), site, stamps.incrementAndGet()));
            rebuild();
        } else {
            remove(failedId);
        }
        if (!rotatingElsewhere) { // else the wait for its replacement ends with that rotation, as a reload sees
            rotations.ended(failedId, null);
        }
    }

    /** A stamp to pass to {@link #reload}: local changes after it win over the database's older view. */
    public long stamp() {
        return stamps.get();
    }

    /** Marks a key as having a state change queued for the database; reloads leave it alone until it is written. */
    public void holdForWrite(String id) {
        pendingWrites.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    public void releaseWrite(String id) {
        pendingWrites.computeIfPresent(id, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /**
     * Adopts the database's view, read after {@code stampBefore}: keys changed here since then, keys with queued
     * writes and keys being rotated here keep their local value; keys whose rotation the database records
     * ({@code rotating}) and that are not rotated here are out of selection until it ends. Requests waiting for a
     * rotation's end look again when anything changed.
     */
    public void reload(Collection<PoolKey> fromDatabase, Set<String> rotating, long stampBefore) {
        List<String> elsewhereBefore = entries.values().stream().filter(e -> e.rotation() == Rotation.ELSEWHERE)
                .map(e -> e.key().id()).toList();
        Set<String> seen = new HashSet<>();
        boolean[] changed = {false};
        tombstones.values().removeIf(stamp -> stamp <= stampBefore); // removals the database read already shows
        for (PoolKey key : fromDatabase) {
            seen.add(key.id());
            if (tombstones.containsKey(key.id())) {
                continue;
            }
            // per-key atomic, so a change made on an event loop meanwhile is never overwritten
            Rotation site = rotating.contains(key.id()) ? Rotation.ELSEWHERE : Rotation.NONE;
            if (site == Rotation.ELSEWHERE) {
                rotations.began(key.id()); // so that requests can wait for its replacement
            }
            entries.compute(key.id(), (id, local) -> {
                if (local != null && (local.key().equals(key) && local.rotation() == site || keepsLocal(local, stampBefore))) {
                    return local;
                }
                changed[0] = true;
                return new Entry(key, site, stampBefore);
            });
        }
        for (String id : new ArrayList<>(entries.keySet())) {
            if (!seen.contains(id)) {
                entries.computeIfPresent(id, (k, local) -> {
                    if (keepsLocal(local, stampBefore)) {
                        return local;
                    }
                    changed[0] = true;
                    return null;
                });
            }
        }
        breakers.retainOnly(entries.keySet());
        for (String id : elsewhereBefore) {
            Entry now = entries.get(id);
            if (now == null || now.rotation() != Rotation.ELSEWHERE) { // ended: its replacement, if one came, is loaded
                rotations.ended(id, entries.values().stream().map(Entry::key)
                        .filter(k -> id.equals(k.replacedKey())).findFirst().orElse(null));
            }
        }
        rotations.forgetEnded();
        if (changed[0]) {
            rebuild();
            rotations.ended(null, null);
        }
    }

    private boolean keepsLocal(Entry local, long stampBefore) {
        return local.rotation() == Rotation.HERE || local.stamp() > stampBefore || pendingWrites.containsKey(local.key().id());
    }

    private KeySelection currentSelection() {
        KeySelection s = selection;
        Instant next = s.nextRecovery();
        if (next != null && !clock.instant().isBefore(next)) {
            rebuild();
            s = selection;
        }
        return s;
    }

    private synchronized void rebuild() {
        List<PoolKey> candidates = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            if (!e.rotating()) {
                candidates.add(e.key());
            }
        }
        selection = KeySelection.of(candidates, breakers, clock.instant());
    }
}
