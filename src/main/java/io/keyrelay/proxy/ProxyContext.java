package io.keyrelay.proxy;

import io.keyrelay.clients.ClientKeys;
import io.keyrelay.config.Config;
import io.keyrelay.insight.RequestLog;
import io.keyrelay.insight.RequestRecord;
import io.keyrelay.insight.UsageBuckets;
import io.keyrelay.keys.FailureClassifier;
import io.keyrelay.keys.KeyLifecycle;
import io.keyrelay.keys.KeyPool;
import io.keyrelay.keys.UsageLedger;
import io.keyrelay.transport.Deadlines;
import io.keyrelay.transport.TransportSettings;
import io.keyrelay.transport.UpstreamTransport;
import io.keyrelay.upstream.Endpoint;
import io.keyrelay.upstream.Endpoints;
import io.keyrelay.upstream.UsageReader;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.time.Instant;

/**
 * What every exchange on one event loop shares: the services, that loop's upstream transport and deadlines, the
 * endpoints, the timeouts, the usage readers' scratch array.
 */
final class ProxyContext {
    private static final long KEEP_ALIVE_MS = 60_000;
    private static final int MAX_IDLE_PER_HOST = 1_024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** The status a request whose client left before its answer ended is logged with (nginx's convention). */
    static final int CLIENT_CLOSED = 499;

    final Context loop;
    final UpstreamTransport upstream;
    final Deadlines deadlines;
    final Endpoints endpoints;
    final KeyPool pool;
    final KeyLifecycle lifecycle;
    final FailureClassifier classifier;
    final UsageLedger keyUsage;
    final ClientKeys clientKeys;
    final ProxyObserver observer;
    final RequestLog requestLog;
    final UsageBuckets usageBuckets;
    final int maxAttempts;
    final long maxBodyBytes;
    final long firstByteTimeoutMs;
    final long streamIdleTimeoutMs;
    final UsageReader.Scratch usageScratch = new UsageReader.Scratch();
    private final Clock clock;

    /** Call on the event loop it serves. */
    ProxyContext(Vertx vertx, ProxyServices services) {
        Config.Upstream up = services.upstream();
        this.loop = vertx.getOrCreateContext();
        this.endpoints = Endpoints.from(up);
        this.pool = services.pool();
        this.lifecycle = services.lifecycle();
        this.classifier = services.classifier();
        this.keyUsage = services.keyUsage();
        this.clientKeys = services.clientKeys();
        this.observer = services.observer();
        this.requestLog = services.requestLog();
        this.usageBuckets = services.usageBuckets();
        this.clock = services.clock();
        this.maxAttempts = up.maxAttempts();
        this.maxBodyBytes = services.maxBodyBytes();
        this.firstByteTimeoutMs = up.firstByteTimeout().toMillis();
        this.streamIdleTimeoutMs = up.streamIdleTimeout().toMillis();
        this.deadlines = Deadlines.checkedEvery(vertx, Math.min(firstByteTimeoutMs, streamIdleTimeoutMs));
        this.upstream = UpstreamTransport.onThisEventLoop(vertx, new TransportSettings(endpoints.anyHttps(), up.caFile(),
                up.connectTimeout().toMillis(), KEEP_ALIVE_MS, MAX_IDLE_PER_HOST, MAX_HEADER_BYTES));
    }

    /**
     * A request's answer ended, or its client left: metrics count it, and a request with a client key goes to the
     * request log and usage over time.
     *
     * @param exchanged whether an exchange took it (metrics count client keys' requests from there on)
     */
    void ended(ClientRequest request, Endpoint endpoint, boolean exchanged) {
        HttpServerRequest req = request.http();
        observer.requestEnded(request.route(), req, endpoint, exchanged ? request.clientKeyId() : null);
        if (request.admitted()) {
            clientKeys.finished(request.clientKeyId());
        }
        if (request.clientKeyId() == null || !requestLog.enabled() && !request.route().countsUsage()) {
            return; // without a valid key nobody can fill the log (metrics count such requests); or nothing to keep
        }
        HttpServerResponse resp = req.response();
        RequestRecord record = request.trace().finish(resp.ended() ? resp.getStatusCode() : CLIENT_CLOSED,
                request.clientKeyId());
        if (request.route().countsUsage()) {
            usageBuckets.record(record);
        }
        requestLog.offer(record);
    }

    /** The wall clock to the millisecond, as the request path needs it (usage timestamps, failover windows, waits). */
    Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
