package io.keyrelay.bench;

import io.keyrelay.app.KeyRelay;
import io.keyrelay.config.Config;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;

/**
 * The benchmark's Vert.x-client floor: {@link VertxFloor} with Vert.x's own HTTP client upstream instead of a bare
 * Netty one. Vert.x's HTTP server with exactly KeyRelay's server options ({@link KeyRelay#serverOptions}), one event
 * loop, each request's body read whole; then sent through one {@link HttpClient} (a keep-alive pool to the upstream,
 * no pipelining), and the answer's status, content type and body relayed as its chunks arrive, the upstream answer
 * paused while the client's write queue is full. No key, no check, no usage, no log. Set against floor-vertx in the
 * same run, it shows what KeyRelay's own Netty upstream client gains over Vert.x's. Usage:
 * {@code VertxClientFloor <port> <upstream port>} (both on 127.0.0.1).
 */
public final class VertxClientFloor extends VerticleBase {
    /** Upstream connections the pool may open: more than the most streams a scenario keeps open (sse&lt;N&gt;: 5,000). */
    private static final int POOL_SIZE = 8192;

    private final HttpServerOptions options;
    private final int upstreamPort;
    private HttpClient client;

    private VertxClientFloor(HttpServerOptions options, int upstreamPort) {
        this.options = options;
        this.upstreamPort = upstreamPort;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        Config config = Config.from(Map.of("KEYRELAY_HOST", "127.0.0.1", "KEYRELAY_PORT", Integer.toString(port)));
        vertx.deployVerticle(new VertxClientFloor(KeyRelay.serverOptions(config), upstreamPort))
                .onSuccess(id -> System.out.println("vert.x client floor listening on 127.0.0.1:" + port
                        + (vertx.isNativeTransportEnabled() ? " (epoll)" : " (NIO)")))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public Future<?> start() {
        client = vertx.createHttpClient(new HttpClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(upstreamPort)
                        .setKeepAlive(true)
                        .setPipelining(false)
                        .setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(POOL_SIZE));
        HttpServer server = vertx.createHttpServer(options);
        server.requestHandler(req -> req.body().onSuccess(body -> forward(req, body)));
        return server.listen();
    }

    private void forward(HttpServerRequest req, Buffer body) {
        HttpServerResponse answer = req.response();
        RequestOptions out = new RequestOptions().setMethod(HttpMethod.POST).setURI(req.uri())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        copy(req, out, "x-api-key");
        copy(req, out, "authorization");
        client.request(out)
                .compose(upstream -> {
                    // the client gone before the answer's end: the upstream exchange is cut too, not left paused
                    answer.closeHandler(v -> {
                        if (!answer.ended()) {
                            upstream.reset();
                        }
                    });
                    return upstream.send(body);
                })
                .onSuccess(upstreamAnswer -> relay(upstreamAnswer, answer))
                .onFailure(e -> {
                    if (!answer.headWritten()) {
                        answer.setStatusCode(502).end();
                    } else {
                        answer.reset();
                    }
                });
    }

    /** Relays the upstream answer as its chunks arrive, pausing it while the client's write queue is full. */
    private static void relay(HttpClientResponse upstream, HttpServerResponse answer) {
        answer.setStatusCode(upstream.statusCode());
        String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null) {
            answer.putHeader(HttpHeaders.CONTENT_TYPE, type);
        }
        String length = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            answer.putHeader(HttpHeaders.CONTENT_LENGTH, length);
        } else {
            answer.setChunked(true);
        }
        upstream.handler(chunk -> {
            answer.write(chunk);
            if (answer.writeQueueFull()) {
                upstream.pause();
                answer.drainHandler(v -> upstream.resume());
            }
        });
        upstream.exceptionHandler(e -> answer.reset());
        upstream.endHandler(v -> answer.end());
    }

    private static void copy(HttpServerRequest req, RequestOptions out, String name) {
        String value = req.getHeader(name);
        if (value != null) {
            out.putHeader(name, value);
        }
    }
}
