package io.keyrelay.admin;

import io.keyrelay.clients.ClientKey;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.clients.IssuedClientKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** The keys KeyRelay issues to its clients ({@code /admin/client-keys}); the full key is shown once, at creation. */
final class ClientKeyRoutes {
    static final int RPM_MAX = 1_000_000;

    private final ClientKeys clientKeys;

    ClientKeyRoutes(AdminServices services) {
        this.clientKeys = services.clientKeys();
    }

    void register(RouteTable table) {
        table.get("/admin/client-keys", ctx -> list(ctx, clientKeys::list), ctx -> list(ctx, clientKeys::inMemory));
        table.post("/admin/client-keys", this::create);
        table.patch("/admin/client-keys/:id", this::update);
        table.delete("/admin/client-keys/:id", this::delete);
    }

    /** The keys from {@code source}: the database, or (while it cannot be read) what this instance loaded last. */
    private Callable<Reply> list(RoutingContext ctx, Supplier<List<ClientKey>> source) {
        Input.query(ctx).check();
        return () -> {
            JsonArray views = new JsonArray();
            source.get().forEach(k -> views.add(view(k)));
            return Reply.ok(new JsonObject().put("keys", views));
        };
    }

    private Callable<Reply> create(RoutingContext ctx) {
        Input in = Input.body(ctx, "name", "rpmLimit");
        String name = in.text("name", 1, 100);
        int rpmLimit = in.intOr("rpmLimit", 0, 0, RPM_MAX);
        in.check();
        return () -> {
            IssuedClientKey issued = clientKeys.create(name, rpmLimit);
            return Reply.created(view(issued.key()).put("key", issued.secret()));
        };
    }

    private Callable<Reply> update(RoutingContext ctx) {
        Input in = Input.body(ctx, "enabled", "rpmLimit");
        Optional<Boolean> enabled = in.optionalBool("enabled");
        Optional<Integer> rpmLimit = in.optionalInt("rpmLimit", 0, RPM_MAX);
        if (!in.has("enabled") && !in.has("rpmLimit")) {
            in.fail("", "Give enabled, rpmLimit or both");
        }
        in.check();
        String id = ctx.pathParam("id");
        return () -> Reply.ok(view(clientKeys.update(id, enabled, rpmLimit).orElseThrow(AdminException::keyNotFound)));
    }

    private Callable<Reply> delete(RoutingContext ctx) {
        Input.query(ctx).check();
        String id = ctx.pathParam("id");
        return () -> {
            if (!clientKeys.delete(id)) {
                throw AdminException.keyNotFound();
            }
            return Reply.success();
        };
    }

    private JsonObject view(ClientKey k) {
        return Views.clientKey(k, clientKeys.usage().pending(k.id()));
    }
}
