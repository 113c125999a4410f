package io.keyrelay.keys;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The in-memory key pool that the request path reads. Picking a key never touches the database and costs O(1):
 * the available keys are kept in a precomputed array that is rebuilt only when a key changes or a cooldown ends.
 * Changes are compare-and-set on the key value a caller saw, so two requests failing on one key act once.
 */
public final class KeyPool {
    private record Entry(PoolKey key, boolean rotating, long stamp) {
    }

    private record Selection(PoolKey[] available, Instant nextRecovery) {
        static final Selection EMPTY = new Selection(new PoolKey[0], null);
    }

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> pendingWrites = new ConcurrentHashMap<>();
    private final Map<String, Long> tombstones = new ConcurrentHashMap<>();
    private final AtomicLong stamps = new AtomicLong();
    private final AtomicLong cursor = new AtomicLong();
    private volatile Selection selection = Selection.EMPTY;
    private final AtomicReference<CompletableFuture<Void>> rotationEnd = new AtomicReference<>(new CompletableFuture<>());

    public KeyPool(Clock clock) {
        this.clock = clock;
    }

    /**
     * The next available key in round-robin order, preferring one that {@code avoid} does not reject; when every
     * available key is rejected, the next one anyway (a retry may go to a key already tried). Empty when no key
     * is available.
     */
    public Optional<PoolKey> pick(Predicate<PoolKey> avoid) {
        Selection s = currentSelection();
        PoolKey[] keys = s.available();
        int n = keys.length;
        if (n == 0) {
            return Optional.empty();
        }
        long start = cursor.getAndIncrement();
        PoolKey first = keys[(int) Math.floorMod(start, (long) n)];
        if (!avoid.test(first)) {
            return Optional.of(first);
        }
        for (int i = 1; i < n; i++) {
            PoolKey candidate = keys[(int) Math.floorMod(start + i, (long) n)];
            if (!avoid.test(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.of(first);
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
        return currentSelection().available().length;
    }

    /** The earliest moment a cooling-down key becomes available again; empty when none will. */
    public Optional<Instant> soonestRecovery() {
        return Optional.ofNullable(currentSelection().nextRecovery());
    }

    /** Whether {@code expected} is still the key as it is now, with no rotation of it under way. */
    public boolean canRotate(PoolKey expected) {
        Entry current = entries.get(expected.id());
        return current != null && !current.rotating() && sameState(current.key(), expected);
    }

    public boolean isRotating(String id) {
        Entry e = entries.get(id);
        return e != null && e.rotating();
    }

    public boolean rotationsInFlight() {
        return entries.values().stream().anyMatch(Entry::rotating);
    }

    /**
     * Completes when the next rotation in flight here ends (its replacement selectable, or the failed key gone): a
     * request that found no key while one was on its way waits for this. Take it before looking for a key, so that
     * a rotation ending in between is not missed.
     */
    public CompletableFuture<Void> nextRotationEnd() {
        return rotationEnd.get();
    }

    private void signalRotationEnded() {
        rotationEnd.getAndSet(new CompletableFuture<>()).complete(null);
    }

    /** Replaces {@code expected} with {@code next} if the key is still exactly {@code expected}. */
    public boolean replace(PoolKey expected, PoolKey next) {
        Entry current = entries.get(expected.id());
        if (current == null || current.rotating() || !sameState(current.key(), expected)) {
            return false;
        }
        // usage counters may have been reloaded since the caller picked the key: keep the newer ones
        PoolKey updated = current.key().withState(next.state(), next.updatedAt());
        boolean swapped = entries.replace(expected.id(), current, new Entry(updated, false, stamps.incrementAndGet()));
        if (swapped) {
            rebuild();
        }
        return swapped;
    }

    /** Sets a key as the database or an operator says it is; a key being rotated stays out of selection. */
    public void put(PoolKey key) {
        long stamp = stamps.incrementAndGet();
        entries.compute(key.id(), (id, old) -> new Entry(key, old != null && old.rotating(), stamp));
        tombstones.remove(key.id());
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
        if (current == null || current.rotating() || !sameState(current.key(), expected)) {
            return false;
        }
        boolean swapped = entries.replace(expected.id(), current, new Entry(current.key(), true, stamps.incrementAndGet()));
        if (swapped) {
            rebuild();
        }
        return swapped;
    }

    /** Ends a rotation: the failed key leaves and its replacement, if any, joins. */
    public void completeRotation(String failedId, PoolKey replacement) {
        // the replacement is selectable before the failed key leaves: a request that finds no key while neither
        // is visible would see no rotation in flight either, and fail with 503
        if (replacement != null) {
            entries.put(replacement.id(), new Entry(replacement, false, stamps.incrementAndGet()));
            tombstones.remove(replacement.id());
            rebuild();
        }
        entries.remove(failedId);
        tombstones.put(failedId, stamps.incrementAndGet());
        rebuild();
        signalRotationEnded();
    }

    /** Takes the database's word for one key (ending any rotation here): as it is stored, or gone. */
    public void adopt(String failedId, Optional<PoolKey> current) {
        if (current.isPresent()) {
            entries.put(failedId, new Entry(current.get(), false, stamps.incrementAndGet()));
            rebuild();
        } else {
            remove(failedId);
        }
        signalRotationEnded();
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
     * writes and keys being rotated keep their local value.
     */
    public void reload(Collection<PoolKey> fromDatabase, long stampBefore) {
        Set<String> seen = new HashSet<>();
        boolean[] changed = {false};
        tombstones.values().removeIf(stamp -> stamp <= stampBefore); // removals the database read already shows
        for (PoolKey key : fromDatabase) {
            seen.add(key.id());
            if (tombstones.containsKey(key.id())) {
                continue;
            }
            // per-key atomic, so a change made on an event loop meanwhile is never overwritten
            entries.compute(key.id(), (id, local) -> {
                if (local != null && (local.key().equals(key) || keepsLocal(local, stampBefore))) {
                    return local;
                }
                changed[0] = true;
                return new Entry(key, false, stampBefore);
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
        if (changed[0]) {
            rebuild();
        }
    }

    /** Same state and setting: counters and timestamps may differ between two reads of one key. */
    private static boolean sameState(PoolKey a, PoolKey b) {
        return a.status() == b.status() && a.resumeStatus() == b.resumeStatus()
                && a.enableFailover() == b.enableFailover() && a.apiKey().equals(b.apiKey())
                && java.util.Objects.equals(a.cooldownUntil(), b.cooldownUntil());
    }

    private boolean keepsLocal(Entry local, long stampBefore) {
        return local.rotating() || local.stamp() > stampBefore || pendingWrites.containsKey(local.key().id());
    }

    private Selection currentSelection() {
        Selection s = selection;
        Instant next = s.nextRecovery();
        if (next != null && !clock.instant().isBefore(next)) {
            rebuild();
            s = selection;
        }
        return s;
    }

    private synchronized void rebuild() {
        Instant now = clock.instant();
        List<PoolKey> available = new ArrayList<>();
        Instant nextRecovery = null;
        for (Entry e : entries.values()) {
            if (e.rotating()) {
                continue;
            }
            PoolKey k = e.key();
            if (k.isAvailable(now)) {
                available.add(k);
            } else if (k.cooldownUntil() != null && (nextRecovery == null || k.cooldownUntil().isBefore(nextRecovery))) {
                nextRecovery = k.cooldownUntil();
            }
        }
        PoolKey[] array = available.toArray(new PoolKey[0]);
        Arrays.sort(array, Comparator.comparing(PoolKey::id));
        selection = new Selection(array, nextRecovery);
    }
}
