package io.keyrelay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyStatus;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS upstreams, as OhMyGPT is: the certificate must be trusted and must name the host. The test certificates
 * in src/test/resources/tls are signed by a test authority that KEYRELAY_UPSTREAM_CA_FILE adds to the JDK's.
 */
class UpstreamTlsTest {
    @TempDir
    Path dataDir;
    RelayFixture relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void answersComeThroughATrustedCertificateThatNamesTheHost() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_UPSTREAM_CA_FILE", FakeUpstream.testResource("tls/ca.pem")),
                FakeUpstream.startTls("localhost"));
        relay.addKey("k1", false);
        ProxyRoute.all().forEach(route -> {
            HttpResponse<String> r = relay.post(route.path(), route.body());
            assertEquals(200, r.statusCode(), route + ": " + r.body());
            assertTrue(r.body().contains("Hello from primary"), r.body());
        });
        assertEquals(4, relay.upstream.received().size());
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_UPSTREAM_CA_FILE", FakeUpstream.testResource("tls/ca.pem")),
                FakeUpstream.startTls("wrongname"));
        assertRefused();
    }

    @Test
    void aCertificateFromAnAuthorityNotTrustedIsRefused() {
        relay = RelayFixture.start(dataDir, Map.of(), FakeUpstream.startTls("localhost"));
        assertRefused();
    }

    private void assertRefused() {
        relay.addKey("k1", false);
        HttpResponse<String> r = relay.post("/v1/messages", "{\"model\":\"m\",\"max_tokens\":8,\"messages\":[]}");
        assertEquals(502, r.statusCode(), r.body());
        assertEquals(0, relay.upstream.received().size(), "no request may cross an unverified connection");
        assertEquals(KeyStatus.HEALTHY, relay.services().pool().get("k1").orElseThrow().status(),
                "a TLS failure says nothing about the key");
    }
}
