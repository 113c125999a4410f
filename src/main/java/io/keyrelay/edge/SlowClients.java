package io.keyrelay.edge;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of one event loop's client connections (SPEC §8): a connection must send a whole request head within
 * the header timeout of opening, or of its last answer ending (so an idle keep-alive connection is closed after that
 * long too); a request body must keep arriving at the minimum rate once that much time has passed since its head, or
 * the request is answered 408 and its connection closed. One periodic check walks the loop's connections. Used only
 * on its event loop.
 */
public final class SlowClients {
    private static final Logger log = LoggerFactory.getLogger(SlowClients.class);

    /** One connection and where it stands. */
    private static final class Watch {
        final HttpConnection connection;
        HttpServerRequest request;
        long requestStartNanos;
        boolean underWay; // a request is being received or answered
        long waitingSinceNanos; // otherwise: since when a head is awaited
        boolean closing;

        Watch(HttpConnection connection, long now) {
            this.connection = connection;
            this.waitingSinceNanos = now;
        }
    }

    private final long headerTimeoutNanos;
    private final long minBodyRate;
    private final Handler<HttpServerRequest> refuseSlowBody;
    private final Map<HttpConnection, Watch> watches = new IdentityHashMap<>();

    /**
     * @param refuseSlowBody answers a request whose body came too slowly (a 408 in the route's own format); the
     *                       connection is closed after it
     */
    public SlowClients(Vertx vertx, Duration headerTimeout, long minBodyRate, Handler<HttpServerRequest> refuseSlowBody) {
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.minBodyRate = minBodyRate;
        this.refuseSlowBody = refuseSlowBody;
        long tickMs = Math.max(50, Math.min(1_000, headerTimeout.toMillis() / 4));
        vertx.setPeriodic(tickMs, id -> check());
    }

    /** A new connection: its first head is awaited from now. */
    public void connected(HttpConnection connection) {
        watches.put(connection, new Watch(connection, System.nanoTime()));
        connection.closeHandler(v -> watches.remove(connection));
    }

    /** A request's head arrived on its connection. */
    public void requestStarted(HttpServerRequest request) {
        Watch w = watches.get(request.connection());
        if (w != null) {
            w.request = request;
            w.requestStartNanos = System.nanoTime();
            w.underWay = true;
        }
    }

    /** Connections being watched. */
    public int watched() {
        return watches.size();
    }

    private void check() {
        if (watches.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<Watch> late = null;
        for (Watch w : watches.values()) {
            if (!w.closing && isLate(w, now)) {
                if (late == null) {
                    late = new ArrayList<>();
                }
                late.add(w);
            }
        }
        if (late != null) {
            late.forEach(this::close);
        }
    }

    private boolean isLate(Watch w, long now) {
        HttpServerRequest req = w.request;
        if (w.underWay) {
            HttpServerResponse resp = req.response();
            if (resp.ended() || resp.closed()) {
                w.underWay = false;
                w.waitingSinceNanos = now; // the answer ended since the last check: the next head is awaited
                return false;
            }
            return !req.isEnded() && bodyTooSlow(req, now - w.requestStartNanos);
        }
        return now - w.waitingSinceNanos > headerTimeoutNanos;
    }

    private boolean bodyTooSlow(HttpServerRequest req, long elapsedNanos) {
        long beyondGrace = elapsedNanos - headerTimeoutNanos;
        return beyondGrace > 0 && req.bytesRead() < minBodyRate * (beyondGrace / 1_000_000L) / 1_000L;
    }

    private void close(Watch w) {
        w.closing = true;
        HttpServerRequest req = w.request;
        if (w.underWay && !req.response().headWritten()) {
            log.info("{} {} from {}: body slower than {} bytes/s; answering 408", req.method(), req.path(),
                    req.remoteAddress(), minBodyRate);
            EarlyAnswers.closeAfterAnswer(req);
            refuseSlowBody.handle(req);
            return;
        }
        w.connection.close();
    }
}
