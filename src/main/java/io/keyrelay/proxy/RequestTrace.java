package io.keyrelay.proxy;

import io.keyrelay.insight.AttemptRecord;
import io.keyrelay.insight.RequestRecord;
import io.keyrelay.upstream.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the request log keeps of one client request, gathered as it goes: its model and stream flag, each attempt's
 * key, endpoint, status and time, when its answer's first byte left, and the usage it was counted.
 */
final class RequestTrace {
    static final int MAX_MODEL_LENGTH = 200;

    private final ClientRoute route;
    private final Instant at;
    private final long arrivedNanos;
    private String model;
    private boolean stream;
    private List<AttemptRecord> attempts = List.of();
    private long firstByteNanos;
    private Usage usage = Usage.NONE;

    RequestTrace(ClientRoute route, Instant at) {
        this.route = route;
        this.at = at;
        this.arrivedNanos = System.nanoTime();
    }

    ClientRoute route() {
        return route;
    }

    void model(String name) {
        model = name.length() > MAX_MODEL_LENGTH ? name.substring(0, MAX_MODEL_LENGTH) : name;
    }

    /** The model the request names; null when none. */
    String model() {
        return model;
    }

    void stream(boolean stream) {
        this.stream = stream;
    }

    /** Whether the client asked for a stream. */
    boolean stream() {
        return stream;
    }

    /** An attempt's answer head arrived with {@code status}, or it failed before one ({@code status} 0). */
    void attemptAnswered(Attempt a, int status) {
        if (attempts.isEmpty()) {
            attempts = new ArrayList<>(2);
        }
        attempts.add(new AttemptRecord(a.key.id(), a.endpoint.failover(), status,
                (System.nanoTime() - a.startedNanos) / 1_000_000));
    }

    /** The answer's first byte is on its way to the client. */
    void firstByte() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    void usage(Usage counted) {
        usage = counted;
    }

    /** The request as the log keeps it, now that it ended with {@code status}. */
    RequestRecord finish(int status, String clientKeyId) {
        long end = System.nanoTime();
        long firstByte = firstByteNanos == 0 ? end : firstByteNanos;
        return new RequestRecord(at, route.pattern(), model, stream, clientKeyId, attempts, status,
                (firstByte - arrivedNanos) / 1_000_000, (end - arrivedNanos) / 1_000_000, usage.inputTokens(),
                usage.outputTokens(), usage.cacheReadTokens(), usage.cacheWriteTokens());
    }
}
