package io.keyrelay.admin;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.BackupKeyAdministration;
import io.keyrelay.keys.KeyImport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** The backup pool ({@code /admin/ohmygpt/backup-keys}): list, stats, add one or many, failover flag, delete, restore. */
final class BackupKeyRoutes {
    private final BackupKeyAdministration backups;
    private final Duration retention;
    /** Re-evaluates the low-backup alert, so the UI's banner follows an operator's change without waiting for the timer. */
    private final Runnable recount;

    BackupKeyRoutes(AdminServices services) {
        this.backups = new BackupKeyAdministration(services.keys(), services.backups(), services.clock());
        this.retention = services.usedBackupRetention();
        this.recount = services.recountBackups();
    }

    void register(RouteTable table) {
        table.get("/admin/ohmygpt/backup-keys", this::list);
        table.get("/admin/ohmygpt/backup-keys/stats", this::stats);
        table.post("/admin/ohmygpt/backup-keys", this::create);
        table.post("/admin/ohmygpt/backup-keys/import", this::importMany);
        table.patch("/admin/ohmygpt/backup-keys/:id", this::update);
        table.delete("/admin/ohmygpt/backup-keys/:id", this::delete);
        table.post("/admin/ohmygpt/backup-keys/:id/restore", this::restore);
    }

    private Callable<Reply> list(RoutingContext ctx) {
        Input.query(ctx).check();
        return () -> {
            List<BackupKey> keys = backups.list();
            JsonArray views = new JsonArray();
            keys.forEach(b -> views.add(Views.backupKey(b, retention)));
            return Reply.ok(new JsonObject().put("keys", views).mergeIn(Views.backupStats(keys)));
        };
    }

    private Callable<Reply> stats(RoutingContext ctx) {
        Input.query(ctx).check();
        return () -> Reply.ok(Views.backupStats(backups.list()));
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
