package io.keyrelay.admin;

import io.keyrelay.clients.ClientKey;
import io.keyrelay.clients.ClientKeyControls;
import io.keyrelay.clients.ClientKeys;
import io.keyrelay.clients.IssuedClientKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The keys KeyRelay issues to its clients ({@code /admin/client-keys}) and their controls; the full key is shown
 * once, at creation.
 */
final class ClientKeyRoutes {
    private final ClientKeys clientKeys;
    private final Clock clock;

    ClientKeyRoutes(AdminServices services) {
        this.clientKeys = services.clientKeys();
        this.clock = services.clock();
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
        Input in = Input.body(ctx, fields("name"));
        String name = in.text("name", 1, 100);
        UnaryOperator<ClientKeyControls> controls = ClientKeyInput.read(in);
        in.check();
        return () -> {
            IssuedClientKey issued = clientKeys.create(name, controls.apply(ClientKeyControls.NONE));
            return Reply.created(view(issued.key()).put("key", issued.secret()));
        };
    }

    private Callable<Reply> update(RoutingContext ctx) {
        Input in = Input.body(ctx, fields("enabled"));
        Optional<Boolean> enabled = in.optionalBool("enabled");
        UnaryOperator<ClientKeyControls> controls = ClientKeyInput.read(in);
        if (!in.has("enabled") && !ClientKeyInput.hasAny(in)) {
            in.fail("", "Give enabled or a control: " + String.join(", ", ClientKeyInput.FIELDS));
        }
        in.check();
        String id = ctx.pathParam("id");
        return () -> Reply.ok(view(clientKeys.update(id, k -> k.withEnabled(enabled.orElse(k.enabled()))
                .withControls(controls.apply(k.controls())))
                .orElseThrow(AdminException::keyNotFound)));
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

    private static String[] fields(String first) {
        return Stream.concat(Stream.of(first), Stream.of(ClientKeyInput.FIELDS)).toArray(String[]::new);
    }

    private JsonObject view(ClientKey k) {
        return Views.clientKey(k, clientKeys.usage().pending(k.id()), clientKeys.tokensUsedInPeriod(k), clock.instant());
    }
}
