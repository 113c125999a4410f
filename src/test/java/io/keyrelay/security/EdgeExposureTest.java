package io.keyrelay.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.RelayFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What KeyRelay shows to whoever can reach it (SPEC §7, §8): the admin API, the UI and the metrics answer only the
 * host names an operator allows (DNS rebinding), HTTP/2 over cleartext is off, HSTS is sent when a trusted proxy
 * says the request came over HTTPS, and open metrics on a public address are warned about at start.
 */
class EdgeExposureTest {
    private static final String BODY = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[]}";

    @TempDir
    Path dataDir;

    @Test
    void adminUiAndMetricsAnswerOnlyTheAllowedHostNames() throws IOException {
        try (RelayFixture relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_ALLOWED_HOSTS", "keyrelay.example.com"))) {
            relay.addKey("k1", false);
            int port = relay.relay.port();
            for (String path : new String[] {"/metrics", "/admin/session", "/admin/ui/", "/admin/openapi.json"}) {
                assertTrue(exchange(port, get(path, "rebound.attacker.example")).startsWith("HTTP/1.1 403"), path);
                assertFalse(exchange(port, get(path, "keyrelay.example.com")).startsWith("HTTP/1.1 403"), path);
                assertFalse(exchange(port, get(path, "KeyRelay.Example.com:8443")).startsWith("HTTP/1.1 403"), path);
            }
            assertTrue(exchange(port, get("/healthz", "10.0.0.7:8080")).startsWith("HTTP/1.1 200"),
                    "probes by address keep working");
            assertTrue(exchange(port, "POST /v1/messages HTTP/1.1\r\nhost: 10.0.0.7\r\nconnection: close\r\n"
                    + "content-type: application/json\r\nauthorization: Bearer " + relay.clientKey + "\r\ncontent-length: "
                    + BODY.length() + "\r\n\r\n" + BODY).startsWith("HTTP/1.1 200"), "the proxy needs a client key, not a host");
        }
    }

    @Test
    void cleartextHttp2IsNotSpoken() throws IOException {
        try (RelayFixture relay = RelayFixture.start(dataDir)) {
            int port = relay.relay.port();
            String upgrade = exchange(port, "GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, HTTP2-Settings\r\n"
                    + "upgrade: h2c\r\nhttp2-settings: AAMAAABkAAQAAP__\r\n\r\n");
            assertTrue(upgrade.startsWith("HTTP/1.1 200"), "no switch to h2c: " + upgrade);
            String priorKnowledge = exchange(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0");
            assertTrue(priorKnowledge.isEmpty() || priorKnowledge.matches("(?s)HTTP/\\d\\.\\d [45]\\d\\d .*"),
                    "the HTTP/2 preface is refused as an HTTP/1 request, not answered with HTTP/2 frames: " + priorKnowledge);
        }
    }

    @Test
    void hstsIsSentWhenATrustedProxySaysTheRequestCameOverHttps() throws IOException {
        try (RelayFixture relay = RelayFixture.start(dataDir.resolve("trusted"), Map.of("KEYRELAY_TRUSTED_PROXIES", "127.0.0.1"))) {
            int port = relay.relay.port();
            String overHttps = exchange(port, "GET /admin/ui/ HTTP/1.1\r\nhost: x\r\nx-forwarded-proto: https\r\nconnection: close\r\n\r\n");
            assertTrue(overHttps.toLowerCase(Locale.ROOT).contains("strict-transport-security: max-age="), overHttps);
            String plain = exchange(port, get("/admin/ui/", "x"));
            assertFalse(plain.toLowerCase(Locale.ROOT).contains("strict-transport-security"), plain);
        }
        try (RelayFixture relay = RelayFixture.start(dataDir.resolve("untrusted"))) {
            String claimed = exchange(relay.relay.port(), "GET /admin/ui/ HTTP/1.1\r\nhost: x\r\nx-forwarded-proto: https\r\n"
                    + "connection: close\r\n\r\n");
            assertFalse(claimed.toLowerCase(Locale.ROOT).contains("strict-transport-security"),
                    "an untrusted client's claim is ignored: " + claimed);
        }
    }

    @Test
    void openMetricsOnAPublicAddressAreWarnedAboutAtStart() throws IOException {
        try (RelayFixture relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_HOST", "0.0.0.0"))) {
            String log = Files.readString(Path.of("target/test-logs/keyrelay-tests.log"), StandardCharsets.UTF_8);
            assertTrue(log.contains("/metrics is open to anyone who can reach 0.0.0.0:" + relay.relay.port()),
                    "a warning names the open metrics");
        }
    }

    private static String get(String path, String host) {
        return "GET " + path + " HTTP/1.1\r\nhost: " + host + "\r\nconnection: close\r\n\r\n";
    }

    /** Sends raw bytes and reads the answer until the server closes (or 5 s of silence). */
    private static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    String text = out.toString(StandardCharsets.ISO_8859_1);
                    if (text.startsWith("HTTP/1.1 200") && !request.contains("connection: close") && text.contains("\r\n\r\n")) {
                        return text;
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what arrived is the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
