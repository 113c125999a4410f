package io.keyrelay.transport;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.ScriptedHttpServer.Action.ANSWER;
import static io.keyrelay.support.ScriptedHttpServer.Action.ANSWER_AFTER_INFORMATIONAL;
import static io.keyrelay.support.ScriptedHttpServer.Action.ANSWER_AND_CLOSE;
import static io.keyrelay.support.ScriptedHttpServer.Action.ANSWER_WITH_EXTRA_BYTES;
import static io.keyrelay.support.ScriptedHttpServer.Action.CLOSE_WITHOUT_ANSWER;
import static io.keyrelay.support.ScriptedHttpServer.Action.CLOSE_WITHOUT_ANSWER_LATER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.keyrelay.support.OnContext;
import io.keyrelay.support.ScriptedHttpServer;
import io.keyrelay.upstream.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy's upstream client against a scripted socket server: keep-alive reuse, stale connections, expiry. */
class UpstreamClientTest {
    private final Vertx vertx = Vertx.vertx();
    private final ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    private ScriptedHttpServer server;
    private UpstreamClient client;

    /** What one call ended with: status and body, or the failure. */
    record Outcome(int status, String body, Throwable failure) {
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            onLoop(() -> {
                client.close();
                return null;
            });
        }
        if (server != null) {
            server.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theRequestGoesOutAsOneHttp11MessageWithItsHeadersAndBody() throws Exception {
        start((c, r) -> ANSWER, 60_000, 16);
        String small = "{\"model\":\"m\",\"text\":\"caf\u00e9\"}";
        String large = "{\"pad\":\"" + "x".repeat(UpstreamCall.INLINE_BODY_BYTES + 100) + "\"}"; // head and body apart
        for (String body : List.of(small, large)) {
            DefaultHttpHeaders headers = new DefaultHttpHeaders();
            headers.set("anthropic-version", "2023-06-01");
            headers.set("x-api-key", "sk-upstream-key");
            assertNull(onLoop(() -> send(headers, body)).get(10, TimeUnit.SECONDS).failure());
        }
        List<byte[]> received = server.requests();
        assertEquals(2, received.size());
        int port = server.port();
        assertEquals("POST /v1/messages HTTP/1.1\r\nanthropic-version: 2023-06-01\r\nx-api-key: sk-upstream-key\r\n"
                + "host: 127.0.0.1:" + port + "\r\ncontent-length: " + small.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + small, new String(received.get(0), StandardCharsets.UTF_8));
        assertEquals("POST /v1/messages HTTP/1.1\r\nanthropic-version: 2023-06-01\r\nx-api-key: sk-upstream-key\r\n"
                + "host: 127.0.0.1:" + port + "\r\ncontent-length: " + large.length() + "\r\n\r\n" + large,
                new String(received.get(1), StandardCharsets.UTF_8));
        assertEquals(1, server.accepted());
    }

    @Test
    void sequentialCallsShareOneKeepAliveConnection() throws Exception {
        start((c, r) -> ANSWER, 60_000, 16);
        for (int i = 0; i < 5; i++) {
            assertAnswered(call());
        }
        assertEquals(1, server.accepted());
        assertEquals(1, (int) onLoop(client::idleConnections));
    }

    @Test
    void aPooledConnectionTheUpstreamClosesAsItIsReusedIsReplacedByAFreshOne() throws Exception {
        start((connection, request) -> connection == 0 && request == 1 ? CLOSE_WITHOUT_ANSWER : ANSWER, 60_000, 16);
        assertEquals(200, call().status());
        Outcome second = call();
        assertNull(second.failure(), "the stale connection is not the call's failure");
        assertEquals(200, second.status());
        assertEquals(2, server.accepted());
    }

    @Test
    void aFreshConnectionThatClosesWithoutAnAnswerIsAFailureAndIsNotRetried() throws Exception {
        start((connection, request) -> connection == 0 ? CLOSE_WITHOUT_ANSWER : ANSWER, 60_000, 16);
        Outcome o = call();
        assertNotNull(o.failure());
        assertEquals(1, server.accepted());
    }

    @Test
    void aReusedConnectionThatClosesLongAfterTheRequestWentOutIsAFailureNotARace() throws Exception {
        start((connection, request) -> connection == 0 && request == 1 ? CLOSE_WITHOUT_ANSWER_LATER : ANSWER, 60_000, 16);
        assertEquals(200, call().status());
        Outcome o = call();
        assertNotNull(o.failure(), "the upstream may have worked on it: not sent again behind the caller's back");
        assertEquals(1, server.accepted());
    }

    @Test
    void informationalHeadsBeforeTheAnswerAreSkipped() throws Exception {
        start((c, r) -> ANSWER_AFTER_INFORMATIONAL, 60_000, 16);
        for (int i = 0; i < 2; i++) {
            assertAnswered(call());
        }
        assertEquals(1, server.accepted());
    }

    @Test
    void aConnectionWithBytesBeyondTheAnswerIsNotReused() throws Exception {
        start((c, r) -> ANSWER_WITH_EXTRA_BYTES, 60_000, 16);
        assertEquals(200, call().status());
        // the extra bytes come in the answer's read, or in a later one that finds the connection idle: closed either way
        waitUntil(() -> onLoop(client::idleConnections) == 0, "the connection with extra bytes to be closed");
        Outcome second = call();
        assertNull(second.failure());
        assertEquals(ScriptedHttpServer.ANSWER, second.body());
        assertEquals(2, server.accepted());
    }

    @Test
    void answersThatSayConnectionCloseAreNotPooled() throws Exception {
        start((c, r) -> ANSWER_AND_CLOSE, 60_000, 16);
        assertEquals(200, call().status());
        assertEquals(0, (int) onLoop(client::idleConnections));
        assertEquals(200, call().status());
        assertEquals(2, server.accepted());
    }

    @Test
    void idleConnectionsAreClosedAfterTheKeepAliveTime() throws Exception {
        start((c, r) -> ANSWER, 300, 16);
        assertEquals(200, call().status());
        waitUntil(() -> server.closedByPeer() == 1, "the idle connection to be closed");
        assertEquals(0, (int) onLoop(client::idleConnections));
    }

    @Test
    void closingTheClientClosesItsIdleConnections() throws Exception {
        start((c, r) -> ANSWER, 60_000, 16);
        assertEquals(200, call().status());
        onLoop(() -> {
            client.close();
            return null;
        });
        client = null;
        waitUntil(() -> server.closedByPeer() == 1, "the idle connection to be closed");
    }

    @Test
    void atMostMaxIdlePerHostConnectionsAreKept() throws Exception {
        start((c, r) -> ANSWER, 60_000, 1);
        List<CompletableFuture<Outcome>> calls = onLoop(() -> List.of(send(), send(), send()));
        for (CompletableFuture<Outcome> c : calls) {
            assertEquals(200, c.get(10, TimeUnit.SECONDS).status());
        }
        assertEquals(3, server.accepted());
        assertEquals(1, (int) onLoop(client::idleConnections));
        waitUntil(() -> server.closedByPeer() == 2, "the connections beyond the idle limit to be closed");
    }

    private static void assertAnswered(Outcome o) {
        assertNull(o.failure());
        assertEquals(200, o.status());
        assertEquals(ScriptedHttpServer.ANSWER, o.body());
    }

    private void start(ScriptedHttpServer.Script script, long keepAliveMs, int maxIdle) throws Exception {
        server = new ScriptedHttpServer(script);
        VertxInternal internal = (VertxInternal) vertx;
        client = onLoop(() -> new UpstreamClient(context.nettyEventLoop(), internal.transport().channelFactory(false),
                internal.nameResolver().nettyAddressResolverGroup(), null, 5_000, keepAliveMs, maxIdle, 64 * 1024));
    }

    private Outcome call() throws Exception {
        return onLoop(this::send).get(10, TimeUnit.SECONDS);
    }

    /** Sends one call; runs on the client's event loop. */
    private CompletableFuture<Outcome> send() {
        return send(new DefaultHttpHeaders(), "{\"model\":\"m\"}");
    }

    private CompletableFuture<Outcome> send(DefaultHttpHeaders headers, String json) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        Endpoint endpoint = Endpoint.of(URI.create(server.url("/v1/messages")), false);
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        client.send(endpoint, UpstreamCall.POST, endpoint.target("", null), headers, body, new UpstreamListener() {
            private int status;
            private final StringBuilder text = new StringBuilder();

            @Override
            public void onHead(UpstreamCall call, ResponseHead head) {
                status = head.status();
            }

            @Override
            public void onChunk(UpstreamCall call, Chunk content) {
                text.append(content.toString(StandardCharsets.UTF_8));
                content.release();
            }

            @Override
            public void onEnd(UpstreamCall call, Chunk last) {
                if (last != null) {
                    text.append(last.toString(StandardCharsets.UTF_8));
                    last.release();
                }
                done.complete(new Outcome(status, text.toString(), null));
            }

            @Override
            public void onFailure(UpstreamCall call, Throwable cause) {
                done.complete(new Outcome(status, text.toString(), cause));
            }
        });
        return done;
    }

    private <T> T onLoop(Supplier<T> work) {
        return OnContext.call(context, work);
    }
}
