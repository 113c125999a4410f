package io.keyrelay.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;

/**
 * The benchmark's Netty floor: the cheapest HTTP proxy KeyRelay's stack can be. One Netty epoll event loop, Netty's
 * HTTP codecs on both sides, each client connection paired with one upstream connection of its own, every decoded
 * piece passed on as it is (no key, no check, no usage, no log), written as it is read and flushed once per read.
 * Not a gateway: it shows, in the same run as nginx and KeyRelay, what the stack costs before any gateway logic.
 * Usage: {@code NettyFloor <port> <upstream port>} (both on 127.0.0.1).
 */
public final class NettyFloor {
    private NettyFloor() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        new ServerBootstrap().group(loop).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new ClientSide(upstreamPort));
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("netty floor listening on 127.0.0.1:" + port);
    }

    /** A client connection: what it sends goes to its upstream connection, once that is open. */
    private static final class ClientSide extends ChannelInboundHandlerAdapter {
        private final int upstreamPort;
        private final java.util.ArrayDeque<Object> early = new java.util.ArrayDeque<>();
        private ChannelFuture connecting;

        ClientSide(int upstreamPort) {
            this.upstreamPort = upstreamPort;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            connecting = new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Relay(client));
                        }
                    })
                    .connect("127.0.0.1", upstreamPort)
                    .addListener((ChannelFuture f) -> {
                        if (!f.isSuccess()) {
                            early.forEach(ReferenceCountUtil::release);
                            early.clear();
                            client.close();
                            return;
                        }
                        Object m;
                        while ((m = early.poll()) != null) {
                            f.channel().write(m, f.channel().voidPromise());
                        }
                        f.channel().flush();
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (connecting.isSuccess()) {
                connecting.channel().write(msg, connecting.channel().voidPromise());
            } else if (connecting.isDone()) {
                ReferenceCountUtil.release(msg);
            } else {
                early.add(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (connecting.isSuccess()) {
                connecting.channel().flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connecting.channel().close();
        }
    }

    /** Writes what one side reads to the other, flushing once per read. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel to;

        Relay(Channel to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            to.write(msg, to.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            to.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            to.close();
        }
    }
}
