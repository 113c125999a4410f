package io.keyrelay.admin;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.BackupKeyAdministration;
import io.keyrelay.keys.KeyImport;
import io.keyrelay.keys.StoreUnavailableException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The backup pool ({@code /admin/ohmygpt/backup-keys}): list, stats, add one or many, failover flag, delete, restore.
 * Reads come from the database; while it is down, from the backup list this instance last read, marked stale with
 * the time of that read (the instance holds no backup pool of its own: rotations claim from the database).
 */
final class BackupKeyRoutes {
    private static final List<String> STATES = List.of("available", "used");

    private final BackupKeyAdministration backups;
    private final Duration retention;
    /** Re-evaluates the low-backup alert, so the UI's banner follows an operator's change without waiting for the timer. */
    private final Runnable recount;

    BackupKeyRoutes(AdminServices services) {
        this.backups = services.backupAdministration();
        this.retention = services.usedBackupRetention();
        this.recount = services.recountBackups();
    }

    void register(RouteTable table) {
        table.get("/admin/ohmygpt/backup-keys", ctx -> list(ctx, this::stored), ctx -> list(ctx, this::remembered));
        table.get("/admin/ohmygpt/backup-keys/stats", ctx -> stats(ctx, this::stored), ctx -> stats(ctx, this::remembered));
        table.post("/admin/ohmygpt/backup-keys", this::create);
        table.post("/admin/ohmygpt/backup-keys/import", this::importMany);
        table.patch("/admin/ohmygpt/backup-keys/:id", this::update);
        table.delete("/admin/ohmygpt/backup-keys/:id", this::delete);
        table.post("/admin/ohmygpt/backup-keys/:id/restore", this::restore);
    }

    /**
     * Every backup key, or the page the query asks for ({@code status}: {@code available} or {@code used}); the
     * stats are the whole pool's either way, and the matching count is {@code matching} ({@code total} is the pool's).
     */
    private Callable<Reply> list(RoutingContext ctx, Supplier<Listed> source) {
        KeyListQuery query = KeyListQuery.read(ctx, STATES);
        return () -> {
            Listed listed = source.get();
            KeyListQuery.Page<BackupKey> page = query.page(listed.keys(), BackupKey::id, BackupKey::maskedApiKey,
                    b -> b.isUsed() ? "used" : "available");
            JsonArray views = new JsonArray();
            page.items().forEach(b -> views.add(Views.backupKey(b, retention)));
            JsonObject body = new JsonObject().put("keys", views).mergeIn(Views.backupStats(listed.keys()));
            return Reply.ok(listed.asOf(query.paged() ? body.mergeIn(query.describe(page, "matching")) : body));
        };
    }

    private Callable<Reply> stats(RoutingContext ctx, Supplier<Listed> source) {
        Input.query(ctx).check();
        return () -> {
            Listed listed = source.get();
            return Reply.ok(listed.asOf(Views.backupStats(listed.keys())));
        };
    }

    /** The backup pool as read from the database now. */
    private Listed stored() {
        return new Listed(backups.list(), null);
    }

    /** While the database cannot be read: the backup pool as last read, and when. */
    private Listed remembered() {
        return backups.lastList().map(last -> new Listed(last.keys(), last.readAt())).orElseThrow(() ->
                new StoreUnavailableException("no backup list was read before the database became unavailable", null));
    }

    /** A backup list, and when it was read if it is an earlier read given again ({@code staleAsOf}). */
    private record Listed(List<BackupKey> keys, Instant readAt) {
        JsonObject asOf(JsonObject body) {
            return readAt == null ? body : body.put("staleAsOf", readAt.toString());
        }
    }

    private Callable<Reply> create(RoutingContext ctx) {
        Input in = Input.body(ctx, "id", "apiKey", "enableFailover");
        String id = in.id("id");
        String apiKey = in.apiKey("apiKey");
        boolean enableFailover = in.optionalBool("enableFailover").orElse(false);
        in.check();
        return () -> {
            BackupKey added = backups.add(id, apiKey, enableFailover);
            recount.run();
            return Reply.created(Views.backupKey(added, retention));
        };
    }

    private Callable<Reply> importMany(RoutingContext ctx) {
        ImportInput input = ImportInput.read(ctx, KeyImport.Target.BACKUP_POOL);
        return () -> {
            KeyImport.Report report = backups.importAll(input.candidates());
            recount.run();
            return Reply.ok(Views.importReport(input.rejected(), report));
        };
    }

    private Callable<Reply> update(RoutingContext ctx) {
        Input in = Input.body(ctx, "enableFailover");
        boolean enableFailover = in.bool("enableFailover");
        in.check();
        String id = ctx.pathParam("id");
        return () -> Reply.ok(Views.backupKey(backups.setEnableFailover(id, enableFailover)
                .orElseThrow(AdminException::keyNotFound), retention));
    }

    private Callable<Reply> delete(RoutingContext ctx) {
        Input.query(ctx).check();
        String id = ctx.pathParam("id");
        return () -> {
            if (!backups.delete(id)) {
                throw AdminException.keyNotFound();
            }
            recount.run();
            return Reply.success();
        };
    }

    private Callable<Reply> restore(RoutingContext ctx) {
        Input.noBody(ctx);
        String id = ctx.pathParam("id");
        return () -> {
            BackupKey restored = backups.restore(id).orElseThrow(AdminException::keyNotFound);
            recount.run();
            return Reply.ok(new JsonObject().put("success", true).put("key", Views.backupKey(restored, retention)));
        };
    }
}
