package io.keyrelay.admin;

import io.keyrelay.keys.StoreUnavailableException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The admin route table. Each route reads and validates its input on the event loop and returns the blocking work
 * (the database calls), which runs on a worker thread; the answer is written back on the event loop. The table is
 * kept so that a known path with the wrong method gets 405 rather than 404.
 *
 * <p>Reads survive a database outage (SPEC §4): a read that cannot reach the database answers from memory (the
 * route's own view of what this instance holds, or else its last good answer) marked stale; only a read with neither
 * answers 503. Writes always answer 503 then.
 */
final class RouteTable {
    /** Validates the request on the event loop; the returned work runs on a worker thread. */
    @FunctionalInterface
    interface Route {
        Callable<Reply> prepare(RoutingContext ctx);
    }

    /** Validates the request on the event loop and starts work that ends on it (a call to the upstream, say). */
    @FunctionalInterface
    interface AsyncRoute {
        Future<Reply> start(RoutingContext ctx);
    }

    record Endpoint(HttpMethod method, String path, Pattern pattern) {
    }

    /** The total size of kept answers (characters of JSON). */
    private static final long KEPT_ANSWERS_CHARS = 4L * 1024 * 1024;

    private final Router router;
    private final long bodyLimit;
    private final Clock clock;
    private final List<Endpoint> table = new ArrayList<>();
    private final LastAnswers lastAnswers = new LastAnswers(KEPT_ANSWERS_CHARS);

    RouteTable(Router router, long bodyLimit, Clock clock) {
        this.router = router;
        this.bodyLimit = bodyLimit;
        this.clock = clock;
    }

    /** A read whose last good answer is given, marked stale, while the database is down. */
    void get(String path, Route route) {
        get(path, route, null);
    }

    /** A read answered by {@code fromMemory} (marked stale) while the database is down. */
    void get(String path, Route route, Route fromMemory) {
        add(HttpMethod.GET, path, read(route, fromMemory));
    }

    void post(String path, Route route) {
        add(HttpMethod.POST, path, blocking(route));
    }

    /** A POST whose work is not blocking: it runs on the event loop, and answers when its future completes. */
    void postAsync(String path, AsyncRoute route) {
        add(HttpMethod.POST, path, ctx -> {
            Future<Reply> work;
            try {
                work = route.start(ctx);
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            work.onComplete(done -> answer(ctx, done));
        });
    }

    void patch(String path, Route route) {
        add(HttpMethod.PATCH, path, blocking(route));
    }

    void delete(String path, Route route) {
        add(HttpMethod.DELETE, path, blocking(route));
    }

    /** A route that needs no database and answers on the event loop. */
    void direct(HttpMethod method, String path, Handler<RoutingContext> handler) {
        add(method, path, handler, bodyLimit);
    }

    /** {@link #direct} with a smaller body limit, for a route that reads a body before knowing who asks. */
    void direct(HttpMethod method, String path, Handler<RoutingContext> handler, long bodyLimit) {
        add(method, path, handler, bodyLimit);
    }

    /** Last handler under /admin: 405 for a known path with another method, 404 otherwise (the UI's paths pass). */
    void fallback(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (AdminApi.isUiPath(path)) {
            ctx.next();
            return;
        }
        TreeSet<String> allowed = new TreeSet<>();
        table.stream().filter(e -> e.pattern().matcher(path).matches()).forEach(e -> allowed.add(e.method().name()));
        if (allowed.isEmpty()) {
            ctx.fail(new AdminException(404, "Not found"));
        } else {
            ctx.response().putHeader("Allow", String.join(", ", allowed));
            ctx.fail(new AdminException(405, "Method not allowed"));
        }
    }

    private void add(HttpMethod method, String path, Handler<RoutingContext> handler) {
        add(method, path, handler, bodyLimit);
    }

    /** The body is read only here, after the auth filter mounted ahead of every route has let the request in. */
    private void add(HttpMethod method, String path, Handler<RoutingContext> handler, long limit) {
        var route = router.route(method, path);
        if (method == HttpMethod.POST || method == HttpMethod.PATCH) {
            route.handler(BodyHandler.create(false).setBodyLimit(limit));
        }
        route.handler(handler);
        table.add(new Endpoint(method, path, Pattern.compile(path.replaceAll(":[A-Za-z]+", "[^/]+") + "/?")));
    }

    private Handler<RoutingContext> read(Route route, Route fromMemory) {
        return ctx -> {
            String target = ctx.request().uri();
            Callable<Reply> memory;
            try {
                memory = fromMemory == null ? null : fromMemory.prepare(ctx);
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            run(ctx, route, fresh -> () -> {
                try {
                    Reply reply = fresh.call();
                    if (memory == null) {
                        lastAnswers.put(target, reply.body(), clock.instant());
                    }
                    return reply;
                } catch (StoreUnavailableException e) {
                    if (memory != null) {
                        return memory.call().fromMemory();
                    }
                    LastAnswers.Kept kept = lastAnswers.get(target).orElseThrow(() -> e);
                    return Reply.kept(new JsonObject(kept.body()), kept.readAt());
                }
            });
        };
    }

    private static Handler<RoutingContext> blocking(Route route) {
        return ctx -> run(ctx, route, work -> work);
    }

    /** Prepares the route on the event loop, runs its work (as {@code wrap} makes it) on a worker, then answers. */
    private static void run(RoutingContext ctx, Route route, UnaryOperator<Callable<Reply>> wrap) {
        Callable<Reply> work;
        try {
            work = wrap.apply(route.prepare(ctx));
        } catch (RuntimeException e) {
            ctx.fail(e);
            return;
        }
        ctx.vertx().executeBlocking(work, false).onComplete(done -> answer(ctx, done));
    }

    private static void answer(RoutingContext ctx, AsyncResult<Reply> done) {
        if (done.succeeded()) {
            if (done.result().stale()) {
                ctx.response().putHeader(Reply.STALE_HEADER, "true");
            }
            AdminErrors.send(ctx, done.result().status(), done.result().body());
        } else {
            ctx.fail(done.cause());
        }
    }
}
