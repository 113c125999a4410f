package io.keyrelay.keytest;

import io.keyrelay.config.Config;
import io.keyrelay.keys.FailureClass;
import io.keyrelay.keys.FailureClassifier;
import io.keyrelay.keys.FailurePolicy;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.transport.ByteView;
import io.keyrelay.transport.RequestHeaders;
import io.keyrelay.transport.TransportSettings;
import io.keyrelay.transport.UpstreamTransport;
import io.keyrelay.upstream.ClientRequestText;
import io.keyrelay.upstream.Endpoint;
import io.keyrelay.upstream.EndpointKind;
import io.keyrelay.upstream.Endpoints;
import io.keyrelay.upstream.ForwardedHeaders;
import io.keyrelay.upstream.UpstreamErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests an API key as the proxy would use it: one Anthropic messages request for one output token of a small model,
 * sent by the proxy's own transport (its TLS trust, timeouts and upstream headers) to the primary messages endpoint,
 * and to the failover one when the key has failover enabled or serves there. Each answer is classified as the proxy
 * classifies it and the {@link KeyTestVerdict} says what the policy would do. Nothing is changed or counted: not the
 * key, its breakers, the events, usage or metrics.
 */
public final class KeyTester {
    private static final Logger log = LoggerFactory.getLogger(KeyTester.class);
    private static final String MESSAGES_PATH = "/v1/messages";
    private static final int MAX_MESSAGE = 300;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final Endpoints endpoints;
    private final TransportSettings transport;
    private final Buffer body;
    private final MultiMap headers;
    private final ClientRequestText sent;
    private final long firstByteTimeoutMs;
    private final long idleTimeoutMs;
    private final FailureClassifier classifier;
    private final FailurePolicy policy = new FailurePolicy();
    private final Clock clock;
    private final LongSupplier nanos;

    KeyTester(Config.Upstream upstream, String model, FailureClassifier classifier, Clock clock, LongSupplier nanos) {
        this.endpoints = Endpoints.from(upstream);
        // no idle connection is kept: a test is rare, and its connections close with its answers
        this.transport = new TransportSettings(endpoints.anyHttps(), upstream.caFile(), upstream.connectTimeout().toMillis(),
                1_000, 0, MAX_HEADER_BYTES);
        this.body = new JsonObject().put("model", model).put("max_tokens", 1).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "ping"))).toBuffer();
        this.headers = MultiMap.caseInsensitiveMultiMap().add("anthropic-version", "2023-06-01")
                .add("content-type", "application/json");
        this.sent = new ClientRequestText(ByteView.of(body), ForwardedHeaders.forwardedText(headers, MESSAGES_PATH, null));
        this.firstByteTimeoutMs = upstream.firstByteTimeout().toMillis();
        this.idleTimeoutMs = upstream.streamIdleTimeout().toMillis();
        this.classifier = classifier;
        this.clock = clock;
        this.nanos = nanos;
    }

    public static KeyTester create(Config.Upstream upstream, String model, FailureClassifier classifier, Clock clock) {
        return new KeyTester(upstream, model, classifier, clock, System::nanoTime);
    }

    /**
     * Tests {@code subject}'s API key, judged as the key is (a backup key or a typed key as a fresh key). Call on an
     * event loop; the answer comes back on it.
     */
    public Future<KeyTestReport> test(Vertx vertx, PoolKey subject) {
        if (!Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a key test runs on an event loop");
        }
        UpstreamTransport upstream = UpstreamTransport.onThisEventLoop(vertx, transport);
        Instant now = clock.instant();
        boolean failover = subject.enableFailover() || KeyTestVerdict.servingAgain(subject, now).usesFailoverEndpoint(now);
        Future<EndpointResult> primary = probe(vertx, upstream, subject.apiKey(), false);
        Future<Optional<EndpointResult>> other = failover
                ? probe(vertx, upstream, subject.apiKey(), true).map(Optional::of) : Future.succeededFuture(Optional.empty());
        return Future.all(primary, other).map(done -> {
            KeyTestReport report = KeyTestVerdict.judge(subject, primary.result(), other.result(), policy, clock.instant());
            log.info("key={} tested by operator (apiKey={}): {} -> {}, {}", subject.id(), subject.maskedApiKey(),
                    report.results().stream().map(KeyTester::describe).collect(Collectors.joining(", ")),
                    KeyTestReport.name(report.verdict()), KeyTestReport.name(report.action()));
            return report;
        }).eventually(() -> {
            upstream.close();
            return Future.succeededFuture();
        });
    }

    private Future<EndpointResult> probe(Vertx vertx, UpstreamTransport upstream, String apiKey, boolean failover) {
        Endpoint endpoint = endpoints.select(EndpointKind.MESSAGES, failover);
        RequestHeaders upstreamHeaders = new RequestHeaders();
        ForwardedHeaders.toUpstream(headers, upstreamHeaders, apiKey, true);
        EndpointProbe probe = new EndpointProbe(vertx, firstByteTimeoutMs, idleTimeoutMs, nanos);
        probe.watch(upstream.post(endpoint, endpoint.target(MESSAGES_PATH, null), upstreamHeaders, body, probe));
        return probe.outcome().map(o -> result(o, apiKey, failover));
    }

    private EndpointResult result(EndpointProbe.Outcome o, String apiKey, boolean failover) {
        if (o.status() == null) {
            Throwable cause = o.failure();
            String why = cause instanceof TimeoutException ? cause.getMessage() : "No answer: " + UpstreamErrors.sanitize(
                    cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), List.of(apiKey));
            return new EndpointResult(failover, null, FailureClass.TRANSIENT, o.ms(), shorten(why));
        }
        FailureClass failure = classifier.classify(o.status(), UpstreamErrors.report(o.body()), sent);
        String message = failure == FailureClass.SUCCESS ? null : UpstreamErrors.clientMessage(o.body(), List.of(apiKey));
        return new EndpointResult(failover, o.status(), failure, o.ms(), message == null ? null : shorten(message));
    }

    private static String shorten(String message) {
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    }

    private static String describe(EndpointResult r) {
        return (r.failover() ? "FAILOVER " : "primary ") + (r.status() == null ? "no answer" : r.status()) + " "
                + KeyTestReport.name(r.failureClass()) + " " + r.ms() + " ms";
    }
}
