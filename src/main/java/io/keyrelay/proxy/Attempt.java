package io.keyrelay.proxy;

import io.keyrelay.keys.PoolKey;
import io.keyrelay.transport.Deadlines;
import io.keyrelay.transport.UpstreamCall;
import io.keyrelay.upstream.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One try of a request with one key on one endpoint: its call while under way, and its first-byte deadline. */
final class Attempt {
    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class); // the access log's logger name, kept
    final PoolKey key;
    final Endpoint endpoint;
    final int number;
    final long startedNanos;
    UpstreamCall call;
    Deadlines.Deadline firstByteTimer;

    Attempt(PoolKey key, Endpoint endpoint, int number, long startedNanos) {
        this.key = key;
        this.endpoint = endpoint;
        this.number = number;
        this.startedNanos = startedNanos;
    }

    /** The access log's line for the attempt (SPEC §1): method, URL, key id, endpoint, stream flag. */
    void logSent(ClientRoute route, String target, boolean stream) {
        if (log.isInfoEnabled()) {
            log.info(route.method().name() + " " + endpoint.origin() + target + " key=" + key.id() + " "
                    + endpoint.label() + " stream=" + stream);
        }
    }

    /** Whether {@code other} is this attempt's call, still under way. */
    boolean owns(UpstreamCall other) {
        return call != null && call == other;
    }

    /** The call is over (ended or failed): later events of it are not this attempt's. */
    void callEnded() {
        call = null;
    }

    void cancelFirstByteTimer() {
        if (firstByteTimer != null) {
            firstByteTimer.cancel();
            firstByteTimer = null;
        }
    }

    /** Gives up on the call, which closes its connection (over HTTP/1.1 the only way to stop the upstream). */
    void abort() {
        cancelFirstByteTimer();
        UpstreamCall c = call;
        call = null;
        if (c != null) {
            c.abort();
        }
    }

    /** The key and endpoint, as a retry tells attempts apart (the same key may be tried on its failover endpoint). */
    String mark() {
        return mark(key, endpoint.failover());
    }

    static String mark(PoolKey key, boolean failover) {
        return key.id() + (failover ? "|F" : "|P");
    }
}
