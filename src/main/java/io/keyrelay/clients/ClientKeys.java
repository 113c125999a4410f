package io.keyrelay.clients;

import io.keyrelay.keys.ApiKeys;
import io.keyrelay.keys.UsageLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Client keys: issued here, stored as hashes, checked on every proxy request from memory (no database on the
 * request path) against their controls (expiry, token budget per period, requests and tokens per minute shared by
 * all instances, allowed models), and counted in a {@link UsageLedger}.
 */
public final class ClientKeys implements AutoCloseable {

    private final ClientKeyStore store;
    private final Clock clock;
    private final ClientKeySecrets secrets = new ClientKeySecrets();
    private final UsageLedger usage = new UsageLedger();
    private final RecentDigests recentDigests = new RecentDigests();
    private final TokenBudgets budgets = new TokenBudgets();
    private final ExecutorService claims = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keyrelay-client-limits");
        t.setDaemon(true);
        return t;
    });
    private final SharedLimits limits;
    private final WindowStore windows;
    private volatile int liveInstances = 1;
    private volatile Map<ClientKeySecrets.Digest, ClientKey> byDigest = Map.of();

    public ClientKeys(ClientKeyStore store, WindowStore windows, Clock clock) {
        this(store, windows, clock, () -> true);
    }

    /** @param databaseReachable false while the database is known to be down: limits then fall back at once */
    public ClientKeys(ClientKeyStore store, WindowStore windows, Clock clock, BooleanSupplier databaseReachable) {
        this.store = store;
        this.windows = windows;
        this.clock = clock;
        this.limits = new SharedLimits(windows, claims, () -> liveInstances, databaseReachable);
    }

    /** Loads the keys from the database; called at start and on every sync. */
    public void reload() {
        List<ClientKey> all = store.loadAll();
        byDigest = all.stream().filter(k -> ClientKeySecrets.Digest.isHex(k.keyHash()))
                .collect(Collectors.toUnmodifiableMap(k -> ClientKeySecrets.Digest.ofHex(k.keyHash()), Function.identity()));
        long now = clock.millis();
        all.forEach(k -> {
            Instant start = k.controls().budgetPeriod().start(Instant.ofEpochMilli(now));
            budgets.stored(k.id(), start, k.storedTokensIn(start));
        });
        limits.forgetBefore(now);
        windows.pruneBefore(Instant.ofEpochMilli(now).minus(Duration.ofMinutes(10)));
    }

    public Authentication authenticate(String presented) {
        if (presented == null || presented.isBlank()) {
            return new Authentication.Rejected("Missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key'");
        }
        String secret = presented.trim();
        ClientKeySecrets.Digest remembered = recentDigests.remembered(secret);
        ClientKeySecrets.Digest digest = remembered != null ? remembered
                : ClientKeySecrets.Digest.of(ClientKeySecrets.sha256(secret));
        ClientKey key = byDigest.get(digest);
        if (key == null) {
            return new Authentication.Rejected("Invalid API key");
        }
        if (remembered == null) {
            recentDigests.remember(secret, digest);
        }
        if (!key.enabled()) {
            return new Authentication.Rejected("This API key is disabled");
        }
        ClientKeyControls controls = key.controls();
        if (controls == ClientKeyControls.NONE) {
            return new Authentication.Accepted(key); // nothing to check or count beyond its usage
        }
        long nowMs = clock.millis();
        Instant now = Instant.ofEpochMilli(nowMs);
        if (controls.expired(now)) {
            return new Authentication.Rejected("This API key expired at " + controls.expiresAt());
        }
        if (budgets.exhausted(key, now)) {
            return overBudget(key, now);
        }
        SharedLimits.Decision decision = limits.admit(key, nowMs);
        if (decision.ready() != null) {
            return new Authentication.Pending(key, decision.ready());
        }
        if (!decision.retryAfter().isZero()) {
            return new Authentication.Limited(key, decision.retryAfter(), "Rate limit exceeded for this API key ("
                    + describeLimits(controls) + ")");
        }
        budgets.started(key.id());
        return new Authentication.Accepted(key);
    }

    private Authentication overBudget(ClientKey key, Instant now) {
        ClientKeyControls c = key.controls();
        Instant start = c.budgetPeriod().start(now);
        Instant resets = c.budgetPeriod().end(start);
        String budget = "its token budget of " + c.tokenBudget()
                + (c.budgetPeriod() == BudgetPeriod.TOTAL ? "" : " per " + c.budgetPeriod().wireName());
        return new Authentication.OverBudget(key, resets == null ? null : Duration.between(now, resets),
                "This API key has used " + budget + (resets == null ? "; it does not reset"
                        : "; it resets at " + resets));
    }

    private static String describeLimits(ClientKeyControls c) {
        StringBuilder b = new StringBuilder();
        if (c.rpmLimit() > 0) {
            b.append(c.rpmLimit()).append(" requests");
        }
        if (c.tpmLimit() > 0) {
            b.append(b.length() > 0 ? " and " : "").append(c.tpmLimit()).append(" tokens");
        }
        return b.append(" per minute").toString();
    }

    /** Whether {@code key} may use {@code model} (null: the request named none). */
    public boolean allowsModel(ClientKey key, String model) {
        return key.controls().allowedModels().allows(model);
    }

    /** An admitted request of the key has ended (answered, refused or abandoned). */
    public void finished(String clientKeyId) {
        budgets.finished(clientKeyId);
    }

    /** Counts a served request for the client key, at {@code now}. */
    public void recordRequest(String clientKeyId, Instant now) {
        usage.record(clientKeyId, 0, now);
    }

    /** Counts the tokens an answer used: in the key's totals, its budget period and its tokens-per-minute lease. */
    public void recordTokens(ClientKey key, long tokens, Instant now) {
        usage.addTokens(key.id(), tokens);
        if (key.controls() != ClientKeyControls.NONE) {
            budgets.add(key, tokens, now);
            limits.tokens(key, tokens, now.toEpochMilli());
        }
    }

    /** Tokens the key used in its budget period, every instance together as far as this one knows. */
    public long tokensUsedInPeriod(ClientKey key) {
        if (key.controls() == ClientKeyControls.NONE) {
            return key.tokensUsed() + usage.pending(key.id()).tokens(); // its period is its whole life
        }
        return budgets.used(key, clock.instant());
    }

    /** How many instances share the limits, as last seen alive; each takes its part of every lease. */
    public void liveInstances(int count) {
        liveInstances = Math.max(1, count);
    }

    public int liveInstances() {
        return liveInstances;
    }

    /** Claims of a shared limit the database could not answer (each granted from the instance's share instead). */
    public long limitFallbacks() {
        return limits.fallbacks();
    }

    public UsageLedger usage() {
        return usage;
    }

    public IssuedClientKey create(String name, int rpmLimit) {
        return create(name, ClientKeyControls.NONE.withRpmLimit(rpmLimit));
    }

    public IssuedClientKey create(String name, ClientKeyControls controls) {
        String secret = secrets.newSecret();
        ClientKey key = new ClientKey(secrets.newId(), name, ClientKeySecrets.hash(secret), ApiKeys.mask(secret), true, controls, 0, 0, null,
                clock.instant(), null, 0);
        store.insert(key);
        reload();
        return new IssuedClientKey(key, secret);
    }

    RecentDigests recentDigests() {
        return recentDigests;
    }

    public List<ClientKey> list() {
        return store.loadAll();
    }

    /** The keys as loaded at the last sync, oldest first (what {@link #list} gives while the database is down). */
    public List<ClientKey> inMemory() {
        return byDigest.values().stream()
                .sorted(java.util.Comparator.comparing(ClientKey::createdAt, java.util.Comparator.nullsFirst(
                        java.util.Comparator.naturalOrder())).thenComparing(ClientKey::id))
                .toList();
    }

    public Optional<ClientKey> find(String id) {
        return store.find(id);
    }

    /** Changes what {@code change} says of the stored key's enabled flag and controls. */
    public Optional<ClientKey> update(String id, UnaryOperator<ClientKey> change) {
        Optional<ClientKey> current = store.find(id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        ClientKey next = change.apply(current.get());
        boolean newPeriod = next.controls().budgetPeriod() != current.get().controls().budgetPeriod();
        if (!store.update(next, newPeriod)) {
            return Optional.empty();
        }
        reload();
        return store.find(id);
    }

    public boolean delete(String id) {
        boolean deleted = store.delete(id);
        if (deleted) {
            limits.forget(id);
            budgets.forget(id);
            reload();
        }
        return deleted;
    }

    /** Writes counted usage; while the database is unreachable the counts stay for the next flush. */
    public void flushUsage() {
        flushPeriodTokens();
        var batch = usage.drain();
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.addUsage(batch);
        } catch (io.keyrelay.keys.StoreUnavailableException e) {
            // nothing was written: keep the counts for the next flush (as the key pool's usage does)
            usage.restore(batch);
            throw e;
        }
    }

    /** Adds the tokens counted here to each key's budget period, and takes the database's new totals. */
    private void flushPeriodTokens() {
        var deltas = budgets.drain();
        var pending = new java.util.HashMap<>(deltas);
        try {
            deltas.forEach((id, d) -> {
                store.addPeriodTokens(id, d.periodStart(), d.tokens()).ifPresent(total -> budgets.stored(id, d.periodStart(), total));
                pending.remove(id);
            });
        } catch (io.keyrelay.keys.StoreUnavailableException e) {
            pending.forEach(budgets::restore); // written later; what was written stays written
            throw e;
        }
    }

    @Override
    public void close() {
        claims.shutdownNow();
    }
}
