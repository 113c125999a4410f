package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Admin auth: bearer token, the UI's session cookie and its cross-site rule. */
@ExtendWith(AdminServerExtension.class)
class AdminAuthTest {
    @TempDir
    static Path dataDir; // for servers of a test's own
    static AdminServer server; // started by AdminServerExtension

    /** Signs in and returns the Cookie header value to send. */
    static String signIn(AdminServer server, String token) {
        AdminClient.Response r = server.anonymous().header(AdminAuth.CSRF_HEADER, "1")
                .post("/admin/sign-in", new JsonObject().put("token", token));
        assertEquals(200, r.status(), r.body());
        String setCookie = r.header("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static AdminClient withCookie(String cookie) {
        return server.anonymous().header("Cookie", cookie);
    }

    @Test
    void everyAdminRouteAnswers401WithoutAuth() {
        AdminClient anonymous = server.anonymous();
        for (RouteTable.Endpoint e : OpenApiTest.mountedEndpoints(server)) {
            if (e.path().equals("/admin/sign-in")) {
                continue;
            }
            String path = e.path().replace(":id", "some-id");
            AdminClient.Response r = anonymous.send(e.method().name(), path, "{}", "application/json");
            assertEquals(401, r.status(), e.method() + " " + path);
            assertEquals("Bearer realm=\"keyrelay-admin\"", r.header("WWW-Authenticate").orElseThrow());
            assertTrue(r.error().startsWith("Authentication required"), r.body());
        }
        for (String path : List.of("/admin", "/admin/", "/admin/anything", "/admin/ui/../ohmygpt/keys")) {
            assertEquals(401, anonymous.get(path).status(), path);
        }
        assertNotEquals(401, anonymous.get("/admin/ui/index.html").status(), "the UI's files are public");
    }

    @Test
    void wrongTokensAndSchemesAre401() {
        AdminClient.Response wrong = new AdminClient(server, "not-the-token-0123456789").get("/admin/ohmygpt/keys");
        assertEquals(401, wrong.status());
        assertEquals("Invalid admin token", wrong.error());
        AdminClient.Response basic = server.anonymous().header("Authorization", "Basic YWRtaW46YWRtaW4=").get("/admin/ohmygpt/keys");
        assertEquals(401, basic.status());
        assertEquals(200, server.admin().get("/admin/ohmygpt/keys").status());
        assertEquals("bearer", server.admin().get("/admin/session").json().getString("method"));
    }

    @Test
    void signInSetsAnHttpOnlyStrictSessionCookie() {
        AdminClient.Response r = server.anonymous().header(AdminAuth.CSRF_HEADER, "1")
                .post("/admin/sign-in", new JsonObject().put("token", AdminServer.TOKEN));
        assertEquals(200, r.status());
        assertEquals(true, r.json().getBoolean("success"));
        String setCookie = r.header("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith(AdminAuth.SESSION_COOKIE + "="), setCookie);
        for (String attribute : List.of("HttpOnly", "SameSite=Strict", "Path=/admin", "Max-Age=43200")) {
            // attribute names are case-insensitive (RFC 6265 §5.2); Netty writes "HTTPOnly"
            assertTrue(setCookie.toLowerCase().contains(attribute.toLowerCase()), setCookie + " lacks " + attribute);
        }
        assertFalse(setCookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back");

        AdminClient ui = withCookie(setCookie.substring(0, setCookie.indexOf(';')));
        assertEquals(200, ui.get("/admin/ohmygpt/keys").status());
        JsonObject session = ui.get("/admin/session").json();
        assertEquals("cookie", session.getString("method"));
        assertEquals(r.json().getString("expiresAt"), session.getString("expiresAt"));
    }

    @Test
    void signInBehindATrustedHttpsProxySetsASecureCookie() {
        try (AdminServer behindProxy = AdminServer.start(dataDir.resolve("proxied"),
                java.util.Map.of("KEYRELAY_TRUSTED_PROXIES", "127.0.0.1"), java.time.Clock.systemUTC())) {
            AdminClient.Response r = behindProxy.anonymous().header(AdminAuth.CSRF_HEADER, "1")
                    .header("X-Forwarded-Proto", "https")
                    .post("/admin/sign-in", new JsonObject().put("token", AdminServer.TOKEN));
            assertTrue(r.header("Set-Cookie").orElseThrow().contains("Secure"));
        }
    }

    @Test
    void anUntrustedClaimOfHttpsDoesNotMakeTheCookieSecure() {
        AdminClient.Response r = server.anonymous().header(AdminAuth.CSRF_HEADER, "1").header("X-Forwarded-Proto", "https")
                .post("/admin/sign-in", new JsonObject().put("token", AdminServer.TOKEN));
        assertFalse(r.header("Set-Cookie").orElseThrow().contains("Secure"));
    }

    @Test
    void signInRefusesWrongTokensBadBodiesAndOtherSites() {
        AdminClient csrf = server.anonymous().header(AdminAuth.CSRF_HEADER, "1");
        assertEquals(401, csrf.post("/admin/sign-in", new JsonObject().put("token", "wrong-token")).status());
        assertEquals(List.of("token"), csrf.post("/admin/sign-in", new JsonObject()).paths());
        assertEquals(List.of("password"), csrf.post("/admin/sign-in",
                new JsonObject().put("token", AdminServer.TOKEN).put("password", "x")).paths());
        AdminClient.Response noHeader = server.anonymous().post("/admin/sign-in", new JsonObject().put("token", AdminServer.TOKEN));
        assertEquals(403, noHeader.status());
        assertTrue(noHeader.header("Set-Cookie").isEmpty());
        assertEquals(403, server.anonymous().header(AdminAuth.CSRF_HEADER, "1").header("Origin", "https://evil.example")
                .post("/admin/sign-in", new JsonObject().put("token", AdminServer.TOKEN)).status());
    }

    @Test
    void cookieWritesNeedTheCsrfHeaderAndThisOrigin() {
        String cookie = signIn(server, AdminServer.TOKEN);
        JsonObject body = new JsonObject().put("name", "from the UI");

        AdminClient.Response noHeader = withCookie(cookie).post("/admin/client-keys", body);
        assertEquals(403, noHeader.status());
        assertTrue(noHeader.error().contains(AdminAuth.CSRF_HEADER), noHeader.body());
        assertEquals(403, withCookie(cookie).header(AdminAuth.CSRF_HEADER, "1").header("Origin", "https://evil.example")
                .post("/admin/client-keys", body).status());
        assertEquals(403, withCookie(cookie).header(AdminAuth.CSRF_HEADER, "1").header("Origin", "null")
                .post("/admin/client-keys", body).status());
        assertEquals(403, withCookie(cookie).header(AdminAuth.CSRF_HEADER, "1").header("Sec-Fetch-Site", "cross-site")
                .delete("/admin/client-keys/x").status());
        assertEquals(0, server.admin().get("/admin/client-keys").array("keys").size(), "nothing was created");

        AdminClient.Response ok = withCookie(cookie).header(AdminAuth.CSRF_HEADER, "1").header("Origin", server.baseUri())
                .header("Sec-Fetch-Site", "same-origin").post("/admin/client-keys", body);
        assertEquals(201, ok.status(), ok.body());
        server.secrets.add(ok.json().getString("key"));
        assertEquals(200, withCookie(cookie).get("/admin/client-keys").status(), "reads need no header");
        assertEquals(200, server.admin().delete("/admin/client-keys/" + ok.json().getString("id")).status(),
                "bearer writes need no header");
    }

    @Test
    void signOutEndsTheSession() {
        String cookie = signIn(server, AdminServer.TOKEN);
        AdminClient.Response out = withCookie(cookie).header(AdminAuth.CSRF_HEADER, "1").post("/admin/sign-out", null);
        assertEquals(200, out.status());
        assertTrue(out.header("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        AdminClient.Response after = withCookie(cookie).get("/admin/ohmygpt/keys");
        assertEquals(401, after.status());
        assertEquals("Session expired or invalid: sign in again", after.error());
    }

    @Test
    void tamperedCookiesAre401() {
        String cookie = signIn(server, AdminServer.TOKEN);
        String value = cookie.substring(cookie.indexOf('=') + 1);
        String[] parts = value.split("\\.");
        String longer = parts[0] + "." + (Long.parseLong(parts[1]) + 86400) + "." + parts[2];
        for (String forged : List.of(longer, "abc", "a.b.c", value + "x", "")) {
            assertEquals(401, withCookie(AdminAuth.SESSION_COOKIE + "=" + forged).get("/admin/ohmygpt/keys").status(), forged);
        }
    }

    @Test
    void openApiDocumentNeedsAuthToo() {
        assertEquals(401, server.anonymous().get("/admin/openapi.json").status());
    }
}
