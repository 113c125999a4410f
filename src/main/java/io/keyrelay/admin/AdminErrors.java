package io.keyrelay.admin;

import io.keyrelay.edge.EarlyAnswers;
import io.keyrelay.keys.DuplicateIdException;
import io.keyrelay.keys.KeyConflictException;
import io.keyrelay.keys.StoreUnavailableException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures of admin routes become HTTP answers, all as {@code {"error": …}}. */
final class AdminErrors {
    private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

    private AdminErrors() {
    }

    static void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.request().connection().close();
            return;
        }
        Throwable failure = ctx.failure();
        if (failure instanceof InvalidInputException e) {
            JsonArray details = new JsonArray();
            e.issues().forEach(i -> details.add(i.toJson()));
            send(ctx, 400, new JsonObject().put("error", e.error()).put("details", details));
        } else if (failure instanceof AdminException e) {
            send(ctx, e.status(), error(e.getMessage()));
        } else if (failure instanceof DuplicateIdException || failure instanceof KeyConflictException) {
            send(ctx, 409, error(failure.getMessage()));
        } else if (failure instanceof StoreUnavailableException e) {
            log.warn("admin {} {} failed: {}", ctx.request().method(), ctx.normalizedPath(), e.getMessage());
            ctx.response().putHeader("Retry-After", "5");
            send(ctx, 503, error("Database unavailable: nothing was changed, try again shortly"));
        } else if (failure == null && ctx.statusCode() == 413) {
            long limit = SessionRoutes.SIGN_IN.equals(ctx.normalizedPath()) ? SessionRoutes.SIGN_IN_BODY_LIMIT : AdminApi.BODY_LIMIT;
            send(ctx, 413, error("Request body too large: the limit is " + size(limit)));
        } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            send(ctx, ctx.statusCode(), error(ctx.response().setStatusCode(ctx.statusCode()).getStatusMessage()));
        } else {
            log.error("admin {} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
            send(ctx, 500, error("Internal error"));
        }
    }

    private static String size(long bytes) {
        return bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }

    static JsonObject error(String message) {
        return new JsonObject().put("error", message);
    }

    /** Every admin answer; one given before the request's body was read closes the connection instead of reading it. */
    static void send(RoutingContext ctx, int status, JsonObject body) {
        EarlyAnswers.closeIfBodyPending(ctx.request());
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(body.encode());
    }
}
