package io.keyrelay.admin;

import io.keyrelay.keys.PoolKey;
import io.keyrelay.keytest.KeyTester;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Key tests (SPEC §5a): a pool key, a backup key or a typed API key, tested by one minimal upstream request per
 * endpoint ({@link KeyTester}). The key is looked up in the database on a worker; the test itself runs on the event
 * loop, so a slow upstream holds no thread. Nothing is changed or counted.
 */
final class KeyTestRoutes {
    private final AdminServices services;
    private final KeyTester tester;

    KeyTestRoutes(AdminServices services) {
        this.services = services;
        this.tester = services.keyTester();
    }

    void register(RouteTable table) {
        table.postAsync("/admin/ohmygpt/keys/:id/test", this::testPoolKey);
        table.postAsync("/admin/ohmygpt/backup-keys/:id/test", this::testBackupKey);
        table.postAsync("/admin/ohmygpt/test", this::testApiKey);
    }

    /** As the key is now: a key on the failover endpoint is judged there. */
    private Future<Reply> testPoolKey(RoutingContext ctx) {
        Input.noBody(ctx);
        String id = ctx.pathParam("id");
        return find(ctx, () -> services.keys().find(id)).compose(key -> test(ctx, key));
    }

    /** As the fresh pool key it would become, with its own failover setting. */
    private Future<Reply> testBackupKey(RoutingContext ctx) {
        Input.noBody(ctx);
        String id = ctx.pathParam("id");
        return find(ctx, () -> services.backups().find(id).map(b -> PoolKey.fresh(b.id(), b.apiKey(), b.enableFailover(),
                null, services.clock().instant()))).compose(key -> test(ctx, key));
    }

    /** A key typed into an add-key dialog, before it is saved: {@code {apiKey, enableFailover?}}. */
    private Future<Reply> testApiKey(RoutingContext ctx) {
        Input in = Input.body(ctx, "apiKey", "enableFailover");
        String apiKey = in.apiKey("apiKey");
        boolean enableFailover = in.optionalBool("enableFailover").orElse(false);
        in.check();
        return test(ctx, PoolKey.fresh("typed-key", apiKey, enableFailover, null, services.clock().instant()));
    }

    private static Future<PoolKey> find(RoutingContext ctx, Callable<Optional<PoolKey>> lookup) {
        return ctx.vertx().executeBlocking(lookup, false).map(found -> found.orElseThrow(AdminException::keyNotFound));
    }

    private Future<Reply> test(RoutingContext ctx, PoolKey subject) {
        return tester.test(ctx.vertx(), subject).map(report -> Reply.ok(Views.keyTest(report)));
    }
}
