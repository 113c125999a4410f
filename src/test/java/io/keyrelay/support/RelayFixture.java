package io.keyrelay.support;

import io.keyrelay.app.KeyRelay;
import io.keyrelay.app.Services;
import io.keyrelay.config.Config;
import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.RotationStep;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real KeyRelay on an ephemeral port, its embedded database in a temp dir, in front of a {@link FakeUpstream}. */
public final class RelayFixture implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    public final FakeUpstream upstream;
    public final KeyRelay relay;
    public final String clientKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RelayFixture(FakeUpstream upstream, KeyRelay relay, String clientKey) {
        this.upstream = upstream;
        this.relay = relay;
        this.clientKey = clientKey;
    }

    public static RelayFixture start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    public static RelayFixture start(Path dataDir, Map<String, String> extraEnv) {
        return start(dataDir, extraEnv, FakeUpstream.start());
    }

    /** In front of {@code upstream} (an HTTPS one, say); closing the fixture closes it. */
    public static RelayFixture start(Path dataDir, Map<String, String> extraEnv, FakeUpstream upstream) {
        return start(dataDir, extraEnv, upstream, Clock.systemUTC());
    }

    /** {@link #start(Path, Map, FakeUpstream)} on {@code clock} (a {@link MutableClock}, say). */
    public static RelayFixture start(Path dataDir, Map<String, String> extraEnv, FakeUpstream upstream, Clock clock) {
        Map<String, String> env = new HashMap<>(upstream.env());
        env.put("KEYRELAY_PORT", "0");
        env.put("KEYRELAY_HOST", "127.0.0.1");
        env.put("KEYRELAY_DATA_DIR", dataDir.toString());
        env.put("KEYRELAY_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("KEYRELAY_EVENT_LOOPS", "2");
        env.put("KEYRELAY_INSTANCE_ID", "test-instance");
        env.put("KEYRELAY_SHUTDOWN_GRACE", "2s");
        env.putAll(extraEnv);
        KeyRelay relay = KeyRelay.start(Config.from(env), clock, RotationStep.Listener.NONE);
        String clientKey = relay.services().clientKeys().create("test client", 0).secret();
        return new RelayFixture(upstream, relay, clientKey);
    }

    /**
     * A second KeyRelay on this fixture's database (through its embedded server's address) and fake upstream, as behind
     * a load balancer: instance {@code instance}, with {@code extraEnv} on top; the caller closes it.
     */
    public KeyRelay startPeer(String instance, Map<String, String> extraEnv, Clock clock) {
        Map<String, String> env = new HashMap<>(upstream.env());
        env.put("KEYRELAY_PORT", "0");
        env.put("KEYRELAY_HOST", "127.0.0.1");
        env.put("KEYRELAY_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("KEYRELAY_EVENT_LOOPS", "2");
        env.put("KEYRELAY_SHUTDOWN_GRACE", "2s");
        env.putAll(extraEnv);
        env.put("KEYRELAY_INSTANCE_ID", instance);
        env.put("KEYRELAY_MONGODB_URI", services().storage().embedded().connectionString());
        return KeyRelay.start(Config.from(env), clock, RotationStep.Listener.NONE);
    }

    public Services services() {
        return relay.services();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + relay.port();
    }

    public PoolKey addKey(String id, boolean enableFailover) {
        return services().administration().add(id, apiKeyOf(id), enableFailover);
    }

    public BackupKey addBackup(String id, boolean enableFailover) {
        BackupKey b = BackupKey.fresh(id, apiKeyOf(id), enableFailover, services().clock().instant());
        services().backupKeys().insert(b);
        return b;
    }

    /** The upstream API key the fixture gives key {@code id}. */
    public static String apiKeyOf(String id) {
        return "sk-fake-" + id + "-0123456789abcdef";
    }

    /** Waits until every queued state change has been written to the database. */
    public void awaitStateWrites() {
        try {
            if (!services().writer().drain(Duration.ofSeconds(10))) {
                throw new AssertionError("state writes did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public HttpResponse<String> post(String path, String body) {
        return post(path, body, Map.of("authorization", "Bearer " + clientKey));
    }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request to KeyRelay failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        relay.close();
        upstream.close();
    }
}
