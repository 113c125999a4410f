package io.keyrelay.security;

import static io.keyrelay.support.Eventually.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.app.KeyRelay;
import io.keyrelay.support.RelayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing out ends the session everywhere (SPEC §5): on every instance sharing the database, and after a restart.
 * A stolen cookie is worth nothing once its owner signed out.
 */
class SessionRevocationTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Map<String, String> SYNC = Map.of("KEYRELAY_SYNC_INTERVAL", "200ms");

    @TempDir
    Path dataDir;

    @Test
    void aSignedOutSessionIsRefusedByTheOtherInstanceAndAfterARestart() throws Exception {
        String cookie;
        try (RelayFixture a = RelayFixture.start(dataDir, SYNC)) {
            try (KeyRelay b = a.startPeer("relay-b", SYNC, java.time.Clock.systemUTC())) {
                String baseA = a.baseUrl();
                String baseB = "http://127.0.0.1:" + b.port();
                cookie = signIn(baseA);
                assertEquals(200, session(baseB, cookie), "the session works on both instances");

                HttpResponse<String> out = HTTP.send(HttpRequest.newBuilder(URI.create(baseA + "/admin/sign-out"))
                        .header("cookie", cookie).header("x-keyrelay-csrf", "1")
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, out.statusCode(), out.body());

                assertEquals(401, session(baseA, cookie), "refused where it was signed out");
                waitUntil(() -> session(baseB, cookie) == 401, "the other instance refuses the signed-out session",
                        Duration.ofSeconds(10));
            }
        }
        try (RelayFixture restarted = RelayFixture.start(dataDir, SYNC)) {
            assertEquals(401, session(restarted.baseUrl(), cookie), "still refused after a restart");
            String fresh = signIn(restarted.baseUrl());
            assertEquals(200, session(restarted.baseUrl(), fresh), "a new sign-in works");
        }
    }

    private static String signIn(String base) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/sign-in"))
                .header("content-type", "application/json").header("x-keyrelay-csrf", "1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + RelayFixture.ADMIN_TOKEN + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static int session(String base, String cookie) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin/session")).header("cookie", cookie)
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
