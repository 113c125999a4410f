package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.MutableClock;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the admin token comes from, how it is kept, and how guessing it is slowed down. */
class AdminTokenTest {
    private static final Pattern PRINTED = Pattern.compile("\\s(kra_[A-Za-z0-9_-]{43})\\s");

    @TempDir
    Path dataDir;

    /** Starts a server with no KEYRELAY_ADMIN_TOKEN and returns what it printed to stdout. */
    private static String startWithoutToken(Path dir, AdminServer[] started) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            started[0] = AdminServer.start(dir, Map.of("KEYRELAY_ADMIN_TOKEN", ""), Clock.systemUTC());
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aGeneratedTokenIsPrintedOnceAndOnlyItsHashIsStored() {
        AdminServer[] server = new AdminServer[1];
        String printed = startWithoutToken(dataDir, server);
        Matcher m = PRINTED.matcher(printed);
        assertTrue(m.find(), "token printed at the first start:\n" + printed);
        String token = m.group(1);
        try (AdminServer first = server[0]) {
            first.secrets.add(token);
            assertEquals(200, new AdminClient(first, token).get("/admin/ohmygpt/keys").status());
            var settings = first.relay.services().storage().settings();
            String expectedHash = "sha256:" + HexFormat.of().formatHex(AdminAuth.hash(token));
            assertEquals(expectedHash, settings.get(AdminAuth.TOKEN_HASH_SETTING).orElseThrow());
            assertFalse(settings.get(AdminAuth.SESSION_SECRET_SETTING).orElseThrow().contains(token));
        }

        String second = startWithoutToken(dataDir, server);
        try (AdminServer restarted = server[0]) {
            restarted.secrets.add(token);
            assertFalse(second.contains("kra_"), "printed only once:\n" + second);
            assertEquals(200, new AdminClient(restarted, token).get("/admin/ohmygpt/keys").status());
            assertEquals(401, restarted.admin().get("/admin/ohmygpt/keys").status(), "the usual test token is not it");
        }
    }

    @Test
    void aNewAdminTokenEndsEarlierSessions() {
        String cookie;
        try (AdminServer server = AdminServer.start(dataDir)) {
            cookie = AdminAuthTest.signIn(server, AdminServer.TOKEN);
            assertEquals(200, server.anonymous().header("Cookie", cookie).get("/admin/ohmygpt/keys").status());
        }
        try (AdminServer same = AdminServer.start(dataDir)) {
            assertEquals(200, same.anonymous().header("Cookie", cookie).get("/admin/ohmygpt/keys").status(),
                    "sessions survive a restart");
        }
        String other = "another-admin-token-0123456789";
        try (AdminServer changed = AdminServer.start(dataDir, Map.of("KEYRELAY_ADMIN_TOKEN", other), Clock.systemUTC())) {
            assertEquals(401, changed.anonymous().header("Cookie", cookie).get("/admin/ohmygpt/keys").status());
        }
    }

    @Test
    void repeatedWrongTokensAreSlowedDown() {
        MutableClock clock = MutableClock.startingAt("2026-03-01T00:00:00Z");
        try (AdminServer server = AdminServer.start(dataDir, Map.of(), clock)) {
            AdminClient guesser = new AdminClient(server, "guess-0123456789abcdef");
            for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
                assertEquals(401, guesser.get("/admin/ohmygpt/keys").status(), "free failure " + (i + 1));
            }
            assertEquals(200, server.admin().get("/admin/ohmygpt/keys").status(), "typos cost nothing yet");

            for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
                guesser.get("/admin/ohmygpt/keys");
            }
            assertEquals(401, guesser.get("/admin/ohmygpt/keys").status(), "one failure beyond the free ones");
            AdminClient.Response blocked = server.admin().get("/admin/ohmygpt/keys");
            assertEquals(429, blocked.status(), "while blocked even the right token is not checked");
            assertEquals("1", blocked.header("Retry-After").orElseThrow());
            assertEquals(429, server.anonymous().header(AdminAuth.CSRF_HEADER, "1")
                    .post("/admin/sign-in", new JsonObject().put("token", AdminServer.TOKEN)).status(), "sign-in too");

            clock.advance(Duration.ofSeconds(1));
            assertEquals(401, guesser.get("/admin/ohmygpt/keys").status());
            assertEquals("2", server.admin().get("/admin/ohmygpt/keys").header("Retry-After").orElseThrow(), "doubling");

            clock.advance(Duration.ofSeconds(2));
            assertEquals(200, server.admin().get("/admin/ohmygpt/keys").status());
            assertEquals(401, guesser.get("/admin/ohmygpt/keys").status(), "a success starts the count again");
        }
    }

    @Test
    void behindATrustedProxyEachClientIsThrottledOnItsOwn() {
        MutableClock clock = MutableClock.startingAt("2026-03-01T00:00:00Z");
        try (AdminServer server = AdminServer.start(dataDir, Map.of("KEYRELAY_TRUSTED_PROXIES", "127.0.0.1"), clock)) {
            AdminClient guesser = new AdminClient(server, "guess-0123456789abcdef").header("X-Forwarded-For", "203.0.113.5");
            for (int i = 0; i <= 2 * AuthThrottle.FREE_FAILURES; i++) {
                guesser.get("/admin/ohmygpt/keys");
            }
            assertEquals(429, guesser.get("/admin/ohmygpt/keys").status(), "the guesser is blocked");

            AdminClient operator = server.admin().header("X-Forwarded-For", "198.51.100.7");
            assertEquals(200, operator.get("/admin/ohmygpt/keys").status(), "another client behind the proxy is not");
            AdminClient spoofing = server.admin().header("X-Forwarded-For", "198.51.100.7, 203.0.113.5");
            assertEquals(429, spoofing.get("/admin/ohmygpt/keys").status(), "the hop the proxy added counts, not the client's claim");
        }
    }

    @Test
    void withoutTrustedProxiesForwardedForIsIgnored() {
        MutableClock clock = MutableClock.startingAt("2026-03-01T00:00:00Z");
        try (AdminServer server = AdminServer.start(dataDir, Map.of(), clock)) {
            for (int i = 0; i <= 2 * AuthThrottle.FREE_FAILURES; i++) {
                new AdminClient(server, "guess-0123456789abcdef").header("X-Forwarded-For", "203.0.113." + i)
                        .get("/admin/ohmygpt/keys");
            }
            assertEquals(429, server.admin().header("X-Forwarded-For", "198.51.100.7").get("/admin/ohmygpt/keys").status());
        }
    }
}
