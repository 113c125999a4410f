package io.keyrelay.transport;

import io.keyrelay.config.ConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS settings of upstream connections: the JDK's trusted certificate authorities, plus those of
 * {@code KEYRELAY_UPSTREAM_CA_FILE} (PEM) when set, for an upstream or relay whose certificate a private authority
 * signed. Host names are checked by {@link UpstreamClient}.
 */
final class UpstreamTls {
    /** Built once per process and shared by the event loops: reading the trust store is slow and blocks. */
    private static final Map<Optional<Path>, SslContext> BUILT = new ConcurrentHashMap<>();

    private UpstreamTls() {
    }

    static SslContext context(Optional<Path> extraAuthorities) {
        return BUILT.computeIfAbsent(extraAuthorities, UpstreamTls::build);
    }

    private static SslContext build(Optional<Path> extraAuthorities) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (extraAuthorities.isPresent()) {
                builder.trustManager(trustingAlso(extraAuthorities.get()));
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for upstream connections: " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustingAlso(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            int n = 0;
            for (var tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
            Collection<? extends Certificate> extra;
            try (InputStream in = Files.newInputStream(pem)) {
                extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            for (Certificate ca : extra) {
                store.setCertificateEntry("extra-" + n++, ca);
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            return combined;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("KEYRELAY_UPSTREAM_CA_FILE is invalid: cannot read certificates from " + pem
                    + " (" + e.getMessage() + ")");
        }
    }
}
