package io.keyrelay.admin;

import io.keyrelay.insight.AttemptRecord;
import io.keyrelay.insight.LoggedRequest;
import io.keyrelay.insight.RequestCursor;
import io.keyrelay.insight.RequestLogStore;
import io.keyrelay.insight.RequestPage;
import io.keyrelay.insight.RequestQuery;
import io.keyrelay.insight.RequestRecord;
import io.keyrelay.insight.StatusFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.concurrent.Callable;

/** The request log (SPEC §5a): newest first, filtered, a page at a time with an opaque cursor. */
final class RequestRoutes {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final RequestLogStore requests;

    RequestRoutes(AdminServices services) {
        this.requests = services.requests();
    }

    void register(RouteTable table) {
        table.get("/admin/requests", this::page);
    }

    private Callable<Reply> page(RoutingContext ctx) {
        Input in = Input.query(ctx, "clientKeyId", "keyId", "status", "model", "from", "to", "cursor", "limit");
        String clientKeyId = in.optionalText("clientKeyId", 1, 200).orElse(null);
        String keyId = in.optionalText("keyId", 1, 200).orElse(null);
        String model = in.optionalText("model", 1, 200).orElse(null);
        StatusFilter status = in.optionalText("status", 1, 10).map(s -> StatusFilter.parse(s)
                .orElseGet(() -> in.fail("status", "Expected a status such as 429, or a class such as 5xx"))).orElse(null);
        Instant from = in.optionalInstant("from").orElse(null);
        Instant to = in.optionalInstant("to").orElse(null);
        RequestCursor cursor = in.optionalText("cursor", 1, 100).map(c -> RequestCursor.parse(c)
                .orElseGet(() -> in.fail("cursor", "Not a cursor this log gave out"))).orElse(null);
        int limit = in.intOr("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        if (from != null && to != null && !from.isBefore(to)) {
            in.fail("to", "Must be after from");
        }
        in.check();
        RequestQuery query = new RequestQuery(clientKeyId, keyId, status, model, from, to, cursor, limit);
        return () -> {
            RequestPage page = requests.page(query);
            JsonArray out = new JsonArray();
            page.requests().forEach(r -> out.add(view(r)));
            return Reply.ok(new JsonObject().put("requests", out)
                    .put("nextCursor", page.next() == null ? null : page.next().text()));
        };
    }

    static JsonObject view(LoggedRequest logged) {
        RequestRecord r = logged.request();
        JsonArray attempts = new JsonArray();
        for (AttemptRecord a : r.attempts()) {
            attempts.add(new JsonObject().put("keyId", a.keyId()).put("endpoint", a.failover() ? "failover" : "primary")
                    .put("status", a.status()).put("ms", a.ms()));
        }
        return new JsonObject()
                .put("id", logged.id())
                .put("at", Views.time(r.at()))
                .put("route", r.route())
                .put("model", r.model())
                .put("stream", r.stream())
                .put("clientKeyId", r.clientKeyId())
                .put("attempts", attempts)
                .put("status", r.status())
                .put("firstByteMs", r.firstByteMs())
                .put("totalMs", r.totalMs())
                .put("inputTokens", r.inputTokens())
                .put("outputTokens", r.outputTokens())
                .put("cacheReadTokens", r.cacheReadTokens())
                .put("cacheWriteTokens", r.cacheWriteTokens())
                .put("instance", logged.instance());
    }
}
