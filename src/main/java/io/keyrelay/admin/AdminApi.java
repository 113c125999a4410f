package io.keyrelay.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Mounts the admin API on a router: the auth filter for everything under {@code /admin}, the routes of SPEC §5,
 * the OpenAPI document, and JSON answers for unknown paths and failures.
 *
 * <p>The admin UI's static files belong under {@value #UI_PREFIX}: they need no auth (the pages sign in through
 * {@code POST /admin/sign-in}) and may be mounted before or after this API.
 */
public final class AdminApi {
    public static final String UI_PREFIX = "/admin/ui";
    static final long BODY_LIMIT = 1024 * 1024;
    static final String OPENAPI_PATH = "/admin/openapi.json";

    private static final Buffer OPENAPI = Buffer.buffer(readOpenApi());

    private AdminApi() {
    }

    public static void mount(Router router, AdminServices services) {
        router.route("/admin/*").handler(new AuthHandler(services.auth()));
        RouteTable table = new RouteTable(router, BODY_LIMIT, services.clock());
        new SessionRoutes(services.auth()).register(table);
        new KeyRoutes(services).register(table);
        new BackupKeyRoutes(services).register(table);
        new KeyTestRoutes(services).register(table);
        new ClientKeyRoutes(services).register(table);
        new EventRoutes(services).register(table);
        new RequestRoutes(services).register(table);
        new UsageRoutes(services).register(table);
        table.direct(HttpMethod.GET, "/admin/alerts", ctx -> ctx.json(services.alerts().get()));
        table.direct(HttpMethod.GET, OPENAPI_PATH, ctx -> ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(OPENAPI));
        router.route("/admin/*").handler(table::fallback);
        router.route("/admin/*").failureHandler(AdminErrors::handle);
    }

    /** Paths served without auth: sign-in and the UI's files. */
    static boolean isPublic(String path) {
        return SessionRoutes.SIGN_IN.equals(path) || isUiPath(path);
    }

    static boolean isUiPath(String path) {
        return path.equals(UI_PREFIX) || path.startsWith(UI_PREFIX + "/");
    }

    private static byte[] readOpenApi() {
        try (InputStream in = AdminApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
