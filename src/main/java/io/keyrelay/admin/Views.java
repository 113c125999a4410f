package io.keyrelay.admin;

import io.keyrelay.clients.ClientKey;
import io.keyrelay.clients.ClientKeyControls;
import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.EndpointBreakers;
import io.keyrelay.keys.KeyEvent;
import io.keyrelay.keys.KeyImport;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.UsageDelta;
import io.keyrelay.keytest.EndpointResult;
import io.keyrelay.keytest.KeyTestReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON shapes of SPEC §5. API keys leave only masked; usage adds what this instance has counted but not yet
 * written, so the numbers do not lag behind the usage flush.
 */
final class Views {
    private Views() {
    }

    /** A pool key; {@code breakers}: its breakers that are not plainly closed (on this instance). */
    static JsonObject key(PoolKey k, UsageDelta pending, List<EndpointBreakers.View> breakers) {
        JsonArray breakerViews = new JsonArray();
        for (EndpointBreakers.View b : breakers) {
            breakerViews.add(new JsonObject()
                    .put("endpoint", endpoint(b.failoverEndpoint()))
                    .put("state", b.state())
                    .put("failures", b.failures())
                    .put("openUntil", time(b.openUntil())));
        }
        return new JsonObject()
                .put("id", k.id())
                .put("apiKey", k.maskedApiKey())
                .put("status", k.status().wireName())
                .put("enableFailover", k.enableFailover())
                .put("tokensUsed", k.tokensUsed() + pending.tokens())
                .put("requestsCount", k.requestsCount() + pending.requests())
                .put("lastUsedAt", time(latest(k.lastUsedAt(), pending.lastUsedAt())))
                .put("lastError", k.lastError())
                .put("cooldownUntil", time(k.cooldownUntil()))
                .put("createdAt", time(k.createdAt()))
                .put("replacedKey", k.replacedKey())
                .put("breakers", breakerViews);
    }

    /** Counts by stored status; {@code availableKeys} counts keys that would serve now (expired cooldowns too). */
    static JsonObject keyStats(Collection<PoolKey> keys, Instant now) {
        return new JsonObject()
                .put("totalKeys", keys.size())
                .put("healthyKeys", count(keys, KeyStatus.HEALTHY))
                .put("rateLimitedKeys", count(keys, KeyStatus.RATE_LIMITED))
                .put("usingFailoverKeys", count(keys, KeyStatus.USING_FAILOVER))
                .put("exhaustedKeys", count(keys, KeyStatus.EXHAUSTED))
                .put("errorKeys", count(keys, KeyStatus.ERROR))
                .put("availableKeys", keys.stream().filter(k -> k.isAvailable(now)).count())
                .put("failoverEnabledKeys", keys.stream().filter(PoolKey::enableFailover).count());
    }

    static JsonObject backupKey(BackupKey b, Duration retention) {
        return new JsonObject()
                .put("id", b.id())
                .put("maskedApiKey", b.maskedApiKey())
                .put("enableFailover", b.enableFailover())
                .put("isUsed", b.isUsed())
                .put("activated", b.activated())
                .put("usedFor", b.usedFor())
                .put("usedAt", time(b.usedAt()))
                .put("createdAt", time(b.createdAt()))
                .put("deletesAt", time(b.deletesAt(retention)));
    }

    static JsonObject backupStats(Collection<BackupKey> keys) {
        long used = keys.stream().filter(BackupKey::isUsed).count();
        return new JsonObject()
                .put("total", keys.size())
                .put("available", keys.size() - used)
                .put("used", used)
                .put("failoverEnabledCount", keys.stream().filter(BackupKey::enableFailover).count());
    }

    /** What an import did: the entries refused as invalid ({@code rejected}) and the store's report, in input order. */
    static JsonObject importReport(List<KeyImport.Skipped> rejected, KeyImport.Report report) {
        List<KeyImport.Skipped> skipped = new ArrayList<>(rejected);
        skipped.addAll(report.skipped());
        skipped.sort(Comparator.comparingInt(KeyImport.Skipped::position));
        JsonArray reasons = new JsonArray();
        skipped.forEach(s -> reasons.add(new JsonObject().put("entry", s.label()).put("id", s.id()).put("reason", s.reason())));
        return new JsonObject()
                .put("added", report.addedIds().size())
                .put("skipped", skipped.size())
                .put("addedIds", new JsonArray(report.addedIds()))
                .put("skippedEntries", reasons);
    }

    /** A key test: each endpoint's answer, the verdict and what KeyRelay would do (names in {@link KeyTestReport}). */
    static JsonObject keyTest(KeyTestReport report) {
        JsonArray results = new JsonArray();
        for (EndpointResult r : report.results()) {
            results.add(new JsonObject()
                    .put("endpoint", endpoint(r.failover()))
                    .put("status", r.status())
                    .put("class", KeyTestReport.name(r.failureClass()))
                    .put("ms", r.ms())
                    .put("message", r.message()));
        }
        return new JsonObject()
                .put("results", results)
                .put("verdict", KeyTestReport.name(report.verdict()))
                .put("action", KeyTestReport.name(report.action()))
                .put("decidedBy", endpoint(report.decidedByFailover()));
    }

    private static String endpoint(boolean failover) {
        return failover ? "failover" : "primary";
    }

    /** A client key with its controls; {@code tokensUsedInPeriod} as every instance counted it, to this one's knowledge. */
    static JsonObject clientKey(ClientKey c, UsageDelta pending, long tokensUsedInPeriod, Instant now) {
        ClientKeyControls controls = c.controls();
        return new JsonObject()
                .put("id", c.id())
                .put("name", c.name())
                .put("maskedKey", c.maskedKey())
                .put("enabled", c.enabled())
                .put("rpmLimit", c.rpmLimit())
                .put("requestsCount", c.requestsCount() + pending.requests())
                .put("tokensUsed", c.tokensUsed() + pending.tokens())
                .put("lastUsedAt", time(latest(c.lastUsedAt(), pending.lastUsedAt())))
                .put("createdAt", time(c.createdAt()))
                .put("tpmLimit", controls.tpmLimit())
                .put("tokenBudget", controls.tokenBudget())
                .put("budgetPeriod", controls.budgetPeriod().wireName())
                .put("tokensUsedInPeriod", tokensUsedInPeriod)
                .put("periodResetsAt", time(controls.budgetPeriod().end(controls.budgetPeriod().start(now))))
                .put("expiresAt", time(controls.expiresAt()))
                .put("expired", controls.expired(now))
                .put("allowedModels", new JsonArray(controls.allowedModels().patterns()));
    }

    static JsonObject event(KeyEvent e) {
        return new JsonObject()
                .put("keyId", e.keyId())
                .put("from", e.from())
                .put("to", e.to())
                .put("reason", e.reason())
                .put("upstreamStatus", e.upstreamStatus())
                .put("detail", e.detail())
                .put("instance", e.instance())
                .put("at", time(e.at()));
    }

    private static long count(Collection<PoolKey> keys, KeyStatus status) {
        return keys.stream().filter(k -> k.status() == status).count();
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
