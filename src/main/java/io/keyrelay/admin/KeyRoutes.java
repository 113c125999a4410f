package io.keyrelay.admin;

import io.keyrelay.keys.ApiKeyInventory;
import io.keyrelay.keys.KeyConflictException;
import io.keyrelay.keys.KeyImport;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.keys.PoolKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Pool keys ({@code /admin/ohmygpt/keys}) and their stats. Reads come from the database, so they show what every
 * instance did (while it is down, from this instance's pool, marked stale); writes go through {@link io.keyrelay.keys.KeyAdministration}, which also updates this instance's
 * pool at once (other instances follow at their next sync).
 */
final class KeyRoutes {
    private static final Comparator<PoolKey> ORDER = Comparator
            .comparing(PoolKey::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PoolKey::id);
    private static final List<String> STATUSES = Arrays.stream(KeyStatus.values()).map(KeyStatus::wireName).toList();

    private final AdminServices services;

    KeyRoutes(AdminServices services) {
        this.services = services;
    }

    void register(RouteTable table) {
        table.get("/admin/ohmygpt/keys", this::list, ctx -> list(ctx, inMemory()));
        table.post("/admin/ohmygpt/keys", this::create);
        table.post("/admin/ohmygpt/keys/import", this::importMany);
        table.patch("/admin/ohmygpt/keys/:id", this::update);
        table.delete("/admin/ohmygpt/keys/:id", this::delete);
        table.post("/admin/ohmygpt/keys/:id/reset", this::reset);
        table.get("/admin/ohmygpt/stats", this::stats, ctx -> stats(ctx, inMemory()));
    }

    private Callable<Reply> list(RoutingContext ctx) {
        return list(ctx, this::stored);
    }

    /** Every key, or the page the query asks for; the stats are the whole pool's either way. */
    private Callable<Reply> list(RoutingContext ctx, Supplier<List<PoolKey>> source) {
        KeyListQuery query = KeyListQuery.read(ctx, STATUSES);
        return () -> {
            List<PoolKey> keys = source.get();
            KeyListQuery.Page<PoolKey> page = query.page(keys, PoolKey::id, PoolKey::maskedApiKey, k -> k.status().wireName());
            JsonArray views = new JsonArray();
            page.items().forEach(k -> views.add(view(k)));
            JsonObject body = new JsonObject().put("keys", views).mergeIn(Views.keyStats(keys, now()));
            return Reply.ok(query.paged() ? body.mergeIn(query.describe(page, "total")) : body);
        };
    }

    private Callable<Reply> stats(RoutingContext ctx) {
        return stats(ctx, this::stored);
    }

    private Callable<Reply> stats(RoutingContext ctx, Supplier<List<PoolKey>> source) {
        Input.query(ctx).check();
        return () -> Reply.ok(Views.keyStats(source.get(), now()));
    }

    private Callable<Reply> create(RoutingContext ctx) {
        Input in = Input.body(ctx, "id", "apiKey", "enableFailover");
        String id = in.id("id");
        String apiKey = in.apiKey("apiKey");
        boolean enableFailover = in.optionalBool("enableFailover").orElse(false);
        in.check();
        return () -> {
            if (services.keys().find(id).isEmpty()) {
                ApiKeyInventory.load(services.keys(), services.backups()).requireAbsent(apiKey);
            }
            return Reply.created(view(services.administration().add(id, apiKey, enableFailover)));
        };
    }

    private Callable<Reply> importMany(RoutingContext ctx) {
        ImportInput input = ImportInput.read(ctx, KeyImport.Target.KEY_POOL);
        return () -> Reply.ok(Views.importReport(input.rejected(), services.administration().importAll(
                input.candidates(), ApiKeyInventory.load(services.keys(), services.backups()))));
    }

    private Callable<Reply> update(RoutingContext ctx) {
        Input in = Input.body(ctx, "enableFailover");
        boolean enableFailover = in.bool("enableFailover");
        in.check();
        String id = ctx.pathParam("id");
        return () -> Reply.ok(view(services.administration().setEnableFailover(id, enableFailover)
                .orElseThrow(AdminException::keyNotFound)));
    }

    private Callable<Reply> delete(RoutingContext ctx) {
        Input.query(ctx).check();
        String id = ctx.pathParam("id");
        return () -> {
            if (!services.administration().delete(id)) {
                throw AdminException.keyNotFound();
            }
            return Reply.success();
        };
    }

    /** Back to healthy on the primary endpoint; enableFailover and usage are kept. */
    private Callable<Reply> reset(RoutingContext ctx) {
        Input.noBody(ctx);
        String id = ctx.pathParam("id");
        return () -> {
            PoolKey key;
            try {
                key = services.administration().reset(id).orElseThrow(AdminException::keyNotFound);
            } catch (IllegalStateException e) {
                throw new KeyConflictException("The key is changing (e.g. being rotated) right now; try again shortly");
            }
            return Reply.ok(new JsonObject().put("success", true).put("key", view(key)));
        };
    }

    private List<PoolKey> stored() {
        return services.keys().loadAll().stream().sorted(ORDER).toList();
    }

    /** The keys as this instance's pool holds them (while the database cannot be read). */
    private Supplier<List<PoolKey>> inMemory() {
        return () -> services.administration().inMemory().stream().sorted(ORDER).toList();
    }

    private JsonObject view(PoolKey k) {
        return Views.key(k, services.keyUsage().pending(k.id()), services.administration().breakers(k.id()));
    }

    private Instant now() {
        return services.clock().instant();
    }
}
