package io.keyrelay.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An "upstream" on a raw socket that answers every request with bytes that are not valid HTTP, or valid HTTP that
 * breaks off into garbage; the answers cycle through {@link #ANSWERS} by connection.
 */
public final class GarbageUpstream implements AutoCloseable {
    /** Broken before a usable response head: the proxy can only fail the attempt. */
    public static final List<String> BEFORE_HEAD = List.of(
            "\u0000\u00ff\u0013garbage \u00c3\u00a9 not http at all\r\n\r\n",
            "HTTP/1.1 abc Broken\r\n\r\n",
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz-not-a-size\r\n",
            "HTTP/1.1 200 OK\r\nx-huge: " + "a".repeat(100_000) + "\r\n\r\n");
    /** A stream that starts, then turns into garbage. */
    private static final String FIRST_EVENT = "event: ping\ndata: {\"a\":1}\n\n";
    public static final String MID_STREAM = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            + Integer.toHexString(FIRST_EVENT.length()) + "\r\n" + FIRST_EVENT + "\r\n" + "qq-garbage\r\n";
    public static final List<String> ANSWERS = List.of(BEFORE_HEAD.get(0), BEFORE_HEAD.get(1), BEFORE_HEAD.get(2),
            BEFORE_HEAD.get(3), MID_STREAM);

    private final Vertx vertx = Vertx.vertx();
    private final NetServer server;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String answer = BEFORE_HEAD.get(0);

    public GarbageUpstream() {
        server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
                .connectHandler(socket -> {
                    connections.incrementAndGet();
                    String reply = answer;
                    socket.handler(request -> {
                        // answer once the request head arrived, then hang up
                        socket.write(Buffer.buffer(reply.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                                .onComplete(w -> socket.close());
                        socket.handler(null);
                    });
                });
        try {
            server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What every following connection gets. */
    public void answer(String raw) {
        this.answer = raw;
    }

    public int connections() {
        return connections.get();
    }

    /** The four endpoint variables pointing KeyRelay here. */
    public Map<String, String> env() {
        String base = "http://127.0.0.1:" + server.actualPort();
        return Map.of(
                "KEYRELAY_PRIMARY_MESSAGES_URL", base + "/v1/messages",
                "KEYRELAY_PRIMARY_COMPLETIONS_URL", base + "/v1/chat/completions",
                "KEYRELAY_FAILOVER_MESSAGES_URL", base + "/failover/v1/messages",
                "KEYRELAY_FAILOVER_COMPLETIONS_URL", base + "/failover/v1/chat/completions");
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }
}
