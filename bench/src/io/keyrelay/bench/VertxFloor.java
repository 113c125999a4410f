package io.keyrelay.bench;

import io.keyrelay.app.KeyRelay;
import io.keyrelay.config.Config;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's Vert.x floor: KeyRelay's client side without KeyRelay. Vert.x's HTTP server with exactly KeyRelay's
 * server options ({@link KeyRelay#serverOptions}), one event loop; each request's body read whole, as KeyRelay reads
 * it, and sent on an upstream connection of its own client connection (bare Netty, like KeyRelay's upstream client,
 * without its pool); the answer written back through Vert.x's response as it comes. No key, no check, no usage, no
 * log. Not a gateway: set against the Netty floor and KeyRelay in the same run, it shows what Vert.x's server costs
 * and what KeyRelay's own work costs on top. Usage: {@code VertxFloor <port> <upstream port>} (both on 127.0.0.1).
 */
public final class VertxFloor extends VerticleBase {
    private final HttpServerOptions options;
    private final int upstreamPort;
    private final Map<HttpConnection, Upstream> upstreams = new HashMap<>();

    private VertxFloor(HttpServerOptions options, int upstreamPort) {
        this.options = options;
        this.upstreamPort = upstreamPort;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        Config config = Config.from(Map.of("KEYRELAY_HOST", "127.0.0.1", "KEYRELAY_PORT", Integer.toString(port)));
        vertx.deployVerticle(new VertxFloor(KeyRelay.serverOptions(config), upstreamPort))
                .onSuccess(id -> System.out.println("vert.x floor listening on 127.0.0.1:" + port
                        + (vertx.isNativeTransportEnabled() ? " (epoll)" : " (NIO)")))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public Future<?> start() {
        EventLoop loop = ((ContextInternal) context).nettyEventLoop();
        HttpServer server = vertx.createHttpServer(options);
        server.connectionHandler(conn -> {
            upstreams.put(conn, new Upstream(loop, upstreamPort));
            conn.closeHandler(v -> upstreams.remove(conn).close());
        });
        server.requestHandler(req -> req.body().onSuccess(body -> upstreams.get(req.connection()).send(req, body)));
        return server.listen();
    }

    /** One client connection's upstream connection; one request at a time, as HTTP/1.1 without pipelining sends. */
    private static final class Upstream extends ChannelInboundHandlerAdapter {
        private final ChannelFuture connecting;
        private HttpServerResponse answer;

        Upstream(EventLoop loop, int port) {
            connecting = new Bootstrap().group(loop).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), Upstream.this);
                        }
                    })
                    .connect("127.0.0.1", port);
        }

        void send(HttpServerRequest req, Buffer body) {
            DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, req.uri(),
                    ((BufferInternal) body).getByteBuf());
            out.headers().set(HttpHeaderNames.HOST, "127.0.0.1")
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length());
            copy(req, out, "x-api-key");
            copy(req, out, "authorization");
            answer = req.response();
            if (connecting.isDone()) {
                write(out);
            } else {
                connecting.addListener(f -> write(out));
            }
        }

        private void write(DefaultFullHttpRequest out) {
            if (connecting.isSuccess()) {
                connecting.channel().writeAndFlush(out, connecting.channel().voidPromise());
            } else {
                out.release();
                answer.setStatusCode(502).end();
            }
        }

        private static void copy(HttpServerRequest req, DefaultFullHttpRequest out, String name) {
            String value = req.getHeader(name);
            if (value != null) {
                out.headers().set(name, value);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse head) {
                answer.setStatusCode(head.status().code());
                answer.headers().set(HttpHeaderNames.CONTENT_TYPE, head.headers().get(HttpHeaderNames.CONTENT_TYPE));
                String length = head.headers().get(HttpHeaderNames.CONTENT_LENGTH);
                if (length != null) {
                    answer.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
                } else {
                    answer.setChunked(true);
                }
            }
            if (msg instanceof HttpContent piece) {
                ByteBuf content = piece.content();
                Future<Void> written = msg instanceof LastHttpContent
                        ? answer.end(BufferInternal.buffer(content)) : answer.write(BufferInternal.buffer(content));
                written.onComplete(v -> content.release());
            }
        }

        void close() {
            connecting.channel().close();
        }
    }
}
