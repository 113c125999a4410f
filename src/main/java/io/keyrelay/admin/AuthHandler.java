package io.keyrelay.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler under /admin: lets through sign-in and the UI's static files, and otherwise requires the admin
 * token as a bearer token or a valid session cookie (whose writes must pass {@link CrossSite}). Everything else
 * gets 401.
 */
final class AuthHandler implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);
    static final String PRINCIPAL = "keyrelay.admin.principal";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    /** How a request was authenticated; {@code session} is null for bearer tokens. */
    record Principal(String method, SessionCookies.Session session) {
    }

    private final AdminAuth auth;

    AuthHandler(AdminAuth auth) {
        this.auth = auth;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (AdminApi.isPublic(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            checkBearer(ctx, authorization);
            return;
        }
        Cookie cookie = ctx.request().getCookie(AdminAuth.SESSION_COOKIE);
        if (cookie != null) {
            checkSession(ctx, cookie);
            return;
        }
        ctx.fail(unauthorized(ctx, "Authentication required: send 'Authorization: Bearer <admin token>' or sign in"));
    }

    private void checkBearer(RoutingContext ctx, String authorization) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(unauthorized(ctx, "Use 'Authorization: Bearer <admin token>'"));
            return;
        }
        String address = auth.clientAddress(ctx.request());
        if (refuseWhileThrottled(ctx, auth, address)) {
            return;
        }
        if (!auth.accepts(authorization.substring(7).trim())) {
            recordFailure(auth, address);
            ctx.fail(unauthorized(ctx, "Invalid admin token"));
            return;
        }
        auth.throttle().succeeded(address);
        ctx.put(PRINCIPAL, new Principal("bearer", null));
        ctx.next();
    }

    private void checkSession(RoutingContext ctx, Cookie cookie) {
        Optional<SessionCookies.Session> session = auth.sessions().verify(cookie.getValue());
        if (session.isEmpty()) {
            ctx.response().addCookie(SessionRoutes.expiredCookie(ctx, auth));
            ctx.fail(unauthorized(ctx, "Session expired or invalid: sign in again"));
            return;
        }
        if (!SAFE.contains(ctx.request().method())) {
            Optional<String> problem = CrossSite.problem(ctx.request());
            if (problem.isPresent()) {
                ctx.fail(new AdminException(403, problem.get()));
                return;
            }
        }
        ctx.put(PRINCIPAL, new Principal("cookie", session.get()));
        ctx.next();
    }

    /** Answers 429 while the address is blocked for wrong tokens; true when it did. */
    static boolean refuseWhileThrottled(RoutingContext ctx, AdminAuth auth, String address) {
        Duration wait = auth.throttle().blockedFor(address);
        if (wait.isZero()) {
            return false;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        ctx.response().putHeader("Retry-After", Long.toString(seconds));
        ctx.fail(new AdminException(429, "Too many wrong admin tokens from your address: try again in " + seconds + " s"));
        return true;
    }

    static void recordFailure(AdminAuth auth, String address) {
        int failures = auth.throttle().failed(address);
        if (failures >= AuthThrottle.FREE_FAILURES) {
            log.warn("{} wrong admin tokens in a row from {}", failures, address);
        }
    }

    static AdminException unauthorized(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"keyrelay-admin\"");
        return new AdminException(401, message);
    }
}
