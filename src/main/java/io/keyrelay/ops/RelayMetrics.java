package io.keyrelay.ops;

import io.keyrelay.clients.ClientKeys;
import io.keyrelay.insight.InsightWriter;
import io.keyrelay.insight.RequestLog;
import io.keyrelay.keys.EndpointBreakers;
import io.keyrelay.keys.EventReason;
import io.keyrelay.keys.KeyEvent;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.proxy.ClientRoute;
import io.keyrelay.proxy.ProxyObserver;
import io.keyrelay.upstream.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * KeyRelay's Prometheus metrics (SPEC §7). The proxy's meters are resolved once and kept in arrays indexed by
 * route, endpoint and status; key and backup gauges are read from memory when Prometheus scrapes.
 */
public final class RelayMetrics implements ProxyObserver, AutoCloseable {
    private static final ClientRoute[] ROUTES = ClientRoute.values();
    private static final String[] ENDPOINTS = {"none", "primary", "failover"};
    private static final String[] OUTCOMES = {"error", "1xx", "2xx", "3xx", "4xx", "5xx"};
    /** Sent as the status of a request whose client left before its response ended (nginx's convention). */
    static final int CLIENT_CLOSED = 499;
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** [route][endpoint][status - 100], created on first use: statuses are open-ended. */
    private final Counter[][][] requests = new Counter[ROUTES.length][ENDPOINTS.length][500];
    /** [failover ? 1 : 0][outcome]. */
    private final Timer[][] upstream = new Timer[2][OUTCOMES.length];
    private final Counter retries;
    private final Counter rotations;
    private final Counter exhausted;
    private final Counter failovers;
    private final Map<String, Counter> stateChanges = new HashMap<>();
    private final Map<String, Counter> clientRequests = new ConcurrentHashMap<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public RelayMetrics() {
        for (int f = 0; f < 2; f++) {
            for (int o = 0; o < OUTCOMES.length; o++) {
                upstream[f][o] = Timer.builder("keyrelay.upstream.latency")
                        .description("Time from sending a request upstream to its response head (or failure)")
                        .tag("endpoint", ENDPOINTS[f + 1]).tag("outcome", OUTCOMES[o])
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry);
            }
        }
        retries = Counter.builder("keyrelay.retries").description("Upstream attempts after a request's first")
                .register(registry);
        rotations = Counter.builder("keyrelay.rotations").description("Failed keys replaced from the backup pool")
                .register(registry);
        exhausted = Counter.builder("keyrelay.keys.exhausted")
                .description("Failed keys marked exhausted because no backup key was left").register(registry);
        failovers = Counter.builder("keyrelay.failovers")
                .description("Keys moved to the failover endpoint").register(registry);
        for (EventReason reason : EventReason.values()) {
            stateChanges.put(reason.wireName(), Counter.builder("keyrelay.key.state.changes")
                    .description("Recorded key state changes, by reason").tag("reason", reason.wireName())
                    .register(registry));
        }
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Gauges of the pool: keys per status, available keys. */
    void watchPool(KeyPool pool) {
        for (KeyStatus status : KeyStatus.values()) {
            Gauge.builder("keyrelay.keys", pool, p -> count(p, status)).description("Pool keys per status")
                    .tag("status", status.wireName()).register(registry);
        }
        Gauge.builder("keyrelay.keys.available", pool, KeyPool::availableCount)
                .description("Pool keys that can serve a request now").register(registry);
        Gauge.builder("keyrelay.breakers.open", pool.breakers(), EndpointBreakers::openCount)
                .description("Key and endpoint pairs kept out of selection by their breaker now").register(registry);
        FunctionCounter.builder("keyrelay.breakers.opened", pool.breakers(), EndpointBreakers::trips)
                .description("Times a key's breaker opened on an endpoint (transient failures in a row)").register(registry);
    }

    /** The request log's queue and what it lost (SPEC §5a: dropped entries are counted, never waited for). */
    public void watchRequestLog(RequestLog log, InsightWriter writer) {
        Gauge.builder("keyrelay.request.log.queued", log, RequestLog::queued)
                .description("Ended requests waiting to be written to the request log").register(registry);
        FunctionCounter.builder("keyrelay.request.log.dropped", log, RequestLog::dropped)
                .description("Requests left out of the request log: its queue was full or their batch failed")
                .register(registry);
        FunctionCounter.builder("keyrelay.request.log.written", writer, InsightWriter::written)
                .description("Requests written to the request log").register(registry);
    }

    /** Shared client-key limits: claims the database could not answer (each instance then grants its own share). */
    public void watchClientLimits(ClientKeys clientKeys) {
        FunctionCounter.builder("keyrelay.client.limit.fallbacks", clientKeys, ClientKeys::limitFallbacks)
                .description("Claims of a client key's shared per-minute limit granted from this instance's share, "
                        + "the database being unreachable").register(registry);
    }

    void gauge(String name, String description, IntSupplier value) {
        Gauge.builder(name, value, IntSupplier::getAsInt).description(description).strongReference(true)
                .register(registry);
    }

    void gauge(String name, String description, String tag, String tagValue, IntSupplier value) {
        Gauge.builder(name, value, IntSupplier::getAsInt).description(description).tag(tag, tagValue)
                .strongReference(true).register(registry);
    }

    private static double count(KeyPool pool, KeyStatus status) {
        int n = 0;
        for (PoolKey k : pool.all()) {
            if (k.status() == status) {
                n++;
            }
        }
        return n;
    }

    // ---- the proxy's hooks: on the event loop, for every request ----

    @Override
    public long attemptStarted(Endpoint endpoint, int attempt) {
        if (attempt > 1) {
            retries.increment();
        }
        return System.nanoTime();
    }

    @Override
    public void upstreamAnswered(Endpoint endpoint, int status, long startedNanos) {
        int outcome = status >= 100 && status < 600 ? status / 100 : 0;
        upstream[endpoint.failover() ? 1 : 0][outcome].record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void requestEnded(ClientRoute clientRoute, HttpServerRequest req, Endpoint endpoint, String clientKeyId) {
        HttpServerResponse resp = req.response();
        int status = resp.ended() ? resp.getStatusCode() : CLIENT_CLOSED;
        int route = clientRoute.ordinal();
        int side = endpoint == null ? 0 : endpoint.failover() ? 2 : 1;
        int slot = status >= 100 && status < 600 ? status - 100 : CLIENT_CLOSED - 100;
        Counter c = requests[route][side][slot];
        if (c == null) {
            // the registry hands every caller the same counter, so a race here only costs a lookup
            c = Counter.builder("keyrelay.requests").description("Client requests, by route, final status and endpoint")
                    .tag("route", ROUTES[route].pattern()).tag("status", Integer.toString(slot + 100))
                    .tag("endpoint", ENDPOINTS[side]).register(registry);
            requests[route][side][slot] = c;
        }
        c.increment();
        if (clientKeyId != null) {
            Counter perClient = clientRequests.get(clientKeyId);
            if (perClient == null) {
                perClient = clientRequests.computeIfAbsent(clientKeyId, id -> Counter.builder("keyrelay.client.requests")
                        .description("Requests per client key id (never the key itself)").tag("client_key", id)
                        .register(registry));
            }
            perClient.increment();
        }
    }

    // ---- key state changes, as recorded in the event log (off the request path) ----

    void onKeyEvent(KeyEvent e) {
        Counter c = stateChanges.get(e.reason());
        if (c != null) {
            c.increment();
        }
        if (EventReason.ROTATED_OUT.wireName().equals(e.reason())) {
            rotations.increment();
        } else if (EventReason.NO_BACKUP_LEFT.wireName().equals(e.reason())) {
            exhausted.increment();
        } else if (KeyStatus.USING_FAILOVER.wireName().equals(e.to()) && !KeyStatus.USING_FAILOVER.wireName().equals(e.from())
                && e.upstreamStatus() != null) {
            failovers.increment();
        }
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
