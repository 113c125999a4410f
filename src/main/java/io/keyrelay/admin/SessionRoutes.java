package io.keyrelay.admin;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/** Signing the admin UI in and out with the admin token, and asking who is signed in. No database involved. */
final class SessionRoutes {
    static final String SIGN_IN = "/admin/sign-in";
    /** Sign-in reads its body before anything is known of the caller: a token, and little room for more. */
    static final long SIGN_IN_BODY_LIMIT = 4 * 1024;

    private final AdminAuth auth;

    SessionRoutes(AdminAuth auth) {
        this.auth = auth;
    }

    void register(RouteTable table) {
        table.direct(HttpMethod.POST, SIGN_IN, this::signIn, SIGN_IN_BODY_LIMIT);
        table.direct(HttpMethod.POST, "/admin/sign-out", this::signOut);
        table.direct(HttpMethod.GET, "/admin/session", this::session);
    }

    /** {@code {token}} → a session cookie. Same cross-site rule as cookie writes, so no site can sign a browser in. */
    private void signIn(RoutingContext ctx) {
        Optional<String> crossSite = CrossSite.problem(ctx.request());
        if (crossSite.isPresent()) {
            ctx.fail(new AdminException(403, crossSite.get()));
            return;
        }
        Input in = Input.body(ctx, "token");
        String token = in.text("token", 1, 1024);
        in.check();
        String address = auth.clientAddress(ctx.request());
        if (AuthHandler.refuseWhileThrottled(ctx, auth, address)) {
            return;
        }
        if (!auth.accepts(token)) {
            AuthHandler.recordFailure(auth, address);
            ctx.fail(new AdminException(401, "Invalid admin token"));
            return;
        }
        auth.throttle().succeeded(address);
        Map.Entry<SessionCookies.Session, String> issued = auth.sessions().issue();
        ctx.response().addCookie(cookie(ctx, auth, issued.getValue(), SessionCookies.LIFETIME.toSeconds()));
        AdminErrors.send(ctx, 200, new JsonObject().put("success", true)
                .put("expiresAt", issued.getKey().expiresAt().toString()));
    }

    private void signOut(RoutingContext ctx) {
        AuthHandler.Principal principal = ctx.get(AuthHandler.PRINCIPAL);
        if (principal.session() != null) {
            auth.signOut(principal.session());
        }
        ctx.response().addCookie(expiredCookie(ctx, auth));
        AdminErrors.send(ctx, 200, new JsonObject().put("success", true));
    }

    private void session(RoutingContext ctx) {
        Input.query(ctx).check();
        AuthHandler.Principal principal = ctx.get(AuthHandler.PRINCIPAL);
        AdminErrors.send(ctx, 200, new JsonObject()
                .put("authenticated", true)
                .put("method", principal.method())
                .put("expiresAt", principal.session() == null ? null : principal.session().expiresAt().toString()));
    }

    static Cookie expiredCookie(RoutingContext ctx, AdminAuth auth) {
        return cookie(ctx, auth, "", 0);
    }

    private static Cookie cookie(RoutingContext ctx, AdminAuth auth, String value, long maxAgeSeconds) {
        return Cookie.cookie(AdminAuth.SESSION_COOKIE, value)
                .setPath("/admin")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT)
                .setSecure(auth.overHttps(ctx.request()))
                .setMaxAge(maxAgeSeconds);
    }
}
