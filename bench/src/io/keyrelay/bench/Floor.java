package io.keyrelay.bench;

/**
 * The floors (BENCH_FLOORS=1): proxies on KeyRelay's stack that do nothing but proxy, in the order they are measured,
 * each with its main class and its port (BENCH_BASE_PORT plus the offset).
 */
enum Floor {
    NETTY("floor-netty", NettyFloor.class, 5),
    VERTX("floor-vertx", VertxFloor.class, 6),
    VERTX_CLIENT("floor-vertx-client", VertxClientFloor.class, 7);

    /** The floor's name in the table and in log lines. */
    final String target;
    final Class<?> main;
    final int portOffset;

    Floor(String target, Class<?> main, int portOffset) {
        this.target = target;
        this.main = main;
        this.portOffset = portOffset;
    }

    /** The floor measured as {@code target}; null when the target is no floor. */
    static Floor of(String target) {
        for (Floor f : values()) {
            if (f.target.equals(target)) {
                return f;
            }
        }
        return null;
    }
}
