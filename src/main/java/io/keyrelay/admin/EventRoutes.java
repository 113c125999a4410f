package io.keyrelay.admin;

import io.keyrelay.keys.EventLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/** The key state changes of SPEC §3, newest first, a page at a time, optionally for one key. */
final class EventRoutes {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final int MAX_OFFSET = 1_000_000;

    private final EventLog events;

    EventRoutes(AdminServices services) {
        this.events = services.events();
    }

    void register(RouteTable table) {
        table.get("/admin/ohmygpt/events", this::page);
    }

    private Callable<Reply> page(RoutingContext ctx) {
        Input in = Input.query(ctx, "offset", "limit", "keyId");
        int offset = in.intOr("offset", 0, 0, MAX_OFFSET);
        int limit = in.intOr("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String keyId = in.optionalText("keyId", 1, 200).orElse(null);
        in.check();
        return () -> {
            JsonArray page = new JsonArray();
            events.page(keyId, offset, limit).forEach(e -> page.add(Views.event(e)));
            return Reply.ok(new JsonObject()
                    .put("events", page)
                    .put("total", events.count(keyId))
                    .put("offset", offset)
                    .put("limit", limit));
        };
    }
}
