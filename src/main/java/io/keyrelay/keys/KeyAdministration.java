package io.keyrelay.keys;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on pool keys. Unlike request-path changes these are written to the database first (so an
 * acknowledged change is durable, and an outage is reported to the operator) and then applied to the pool.
 * Callers run them off the event loop.
 */
public final class KeyAdministration {
    private static final Logger log = LoggerFactory.getLogger(KeyAdministration.class);

    private final KeyPool pool;
    private final KeyStore keys;
    private final EventLog events;
    private final Clock clock;
    private final String instance;

    public KeyAdministration(KeyPool pool, KeyStore keys, EventLog events, Clock clock, String instance) {
        this.pool = pool;
        this.keys = keys;
        this.events = events;
        this.clock = clock;
        this.instance = instance;
    }

    /** @throws DuplicateIdException when the id is taken */
    public PoolKey add(String id, String apiKey, boolean enableFailover) {
        Instant now = clock.instant();
        PoolKey key = PoolKey.fresh(id, apiKey, enableFailover, null, now);
        keys.insert(key);
        pool.put(key);
        log.info("key={} added by operator (enableFailover={}, apiKey={})", id, enableFailover, key.maskedApiKey());
        record(id, null, KeyStatus.HEALTHY.wireName(), EventReason.CREATED_BY_OPERATOR, "enableFailover=" + enableFailover, now);
        return key;
    }

    /**
     * Adds every candidate that is new by id and by API key ({@code held}: where API keys already are), in one write,
     * and to the pool at once; the others are reported with the reason.
     */
    public KeyImport.Report importAll(List<KeyImport.Candidate> candidates, ApiKeyInventory held) {
        Set<String> takenIds = new HashSet<>();
        keys.loadAll().forEach(k -> takenIds.add(k.id()));
        KeyImport.Plan plan = KeyImport.plan(KeyImport.Target.KEY_POOL, candidates, takenIds, held);
        Instant now = clock.instant();
        List<PoolKey> fresh = plan.accepted().stream()
                .map(c -> PoolKey.fresh(c.id(), c.apiKey(), c.enableFailover(), null, now)).toList();
        Set<String> takenAtInsert = keys.insertAll(fresh);
        List<PoolKey> added = fresh.stream().filter(k -> !takenAtInsert.contains(k.id())).toList();
        pool.put(added.toArray(PoolKey[]::new));
        added.forEach(k -> log.info("key={} added by operator in an import (enableFailover={}, apiKey={})", k.id(),
                k.enableFailover(), k.maskedApiKey()));
        events.appendAll(added.stream().map(k -> event(k.id(), null, KeyStatus.HEALTHY.wireName(),
                EventReason.CREATED_BY_OPERATOR, "enableFailover=" + k.enableFailover(), now)).toList());
        KeyImport.Report report = plan.inserted(takenAtInsert);
        log.info("key import by operator: {} added, {} skipped", report.addedIds().size(), report.skipped().size());
        return report;
    }

    public Optional<PoolKey> setEnableFailover(String id, boolean enableFailover) {
        Instant now = clock.instant();
        if (!keys.setEnableFailover(id, enableFailover, now)) {
            return Optional.empty();
        }
        Optional<PoolKey> stored = keys.find(id);
        stored.ifPresent(k -> {
            pool.put(k);
            log.info("key={} enableFailover set to {} by operator", id, enableFailover);
            record(id, k.status().wireName(), k.status().wireName(), EventReason.FAILOVER_SETTING_CHANGED,
                    "enableFailover=" + enableFailover, now);
        });
        return stored;
    }

    public boolean delete(String id) {
        Optional<PoolKey> before = keys.find(id);
        if (before.isEmpty() || !keys.delete(id)) {
            return false;
        }
        pool.remove(id);
        log.info("key={} deleted by operator", id);
        record(id, before.get().status().wireName(), null, EventReason.DELETED_BY_OPERATOR, null, clock.instant());
        return true;
    }

    /** The key's breakers on this instance that are not plainly closed. */
    public List<EndpointBreakers.View> breakers(String id) {
        return pool.breakers().views(id);
    }

    /** The keys as this instance's pool holds them now. */
    public List<PoolKey> inMemory() {
        return pool.all();
    }

    /** Back to healthy on the primary endpoint, its breakers closed; enableFailover and usage counters are kept. */
    public Optional<PoolKey> reset(String id) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<PoolKey> current = keys.find(id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            Instant now = clock.instant();
            PoolKey before = current.get();
            if (keys.compareAndSetState(id, before.status(), KeyState.healthy(), now)) {
                PoolKey after = keys.find(id).orElse(before.withState(KeyState.healthy(), now));
                pool.put(after);
                pool.breakers().reset(id);
                log.info("key={} {} -> healthy reason=reset_by_operator", id, before.status());
                record(id, before.status().wireName(), KeyStatus.HEALTHY.wireName(), EventReason.RESET_BY_OPERATOR, null, now);
                return Optional.of(after);
            }
        }
        throw new IllegalStateException("key " + id + " kept changing while it was reset; try again");
    }

    private void record(String id, String from, String to, EventReason reason, String detail, Instant at) {
        events.append(event(id, from, to, reason, detail, at));
    }

    private KeyEvent event(String id, String from, String to, EventReason reason, String detail, Instant at) {
        return new KeyEvent(id, from, to, reason.wireName(), null, detail, instance, at);
    }
}
