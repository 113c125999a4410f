package io.keyrelay.admin;

import io.keyrelay.app.KeyRelay;
import io.keyrelay.config.Config;
import io.keyrelay.keys.RotationStep;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A real KeyRelay on an ephemeral port over the embedded database, and clients that call it over HTTP. */
final class AdminServer implements AutoCloseable {
    static final String TOKEN = "test-admin-token-0123456789abcdef";
    private static final AtomicInteger KEYS = new AtomicInteger();

    final KeyRelay relay;
    /** Every secret a test handed to the server: no response may hold one whole (see {@link AdminClient}). */
    final Set<String> secrets = ConcurrentHashMap.newKeySet();

    private AdminServer(KeyRelay relay, String token) {
        this.relay = relay;
        if (token != null) {
            secrets.add(token);
        }
    }

    static AdminServer start(Path dataDir) {
        return start(dataDir, Map.of(), Clock.systemUTC());
    }

    static AdminServer start(Path dataDir, Map<String, String> extra, Clock clock) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KEYRELAY_PORT", "0",
                "KEYRELAY_HOST", "127.0.0.1",
                "KEYRELAY_EVENT_LOOPS", "2",
                "KEYRELAY_DATA_DIR", dataDir.toString(),
                "KEYRELAY_ADMIN_TOKEN", TOKEN,
                "KEYRELAY_INSTANCE_ID", "admin-test",
                "KEYRELAY_SHUTDOWN_GRACE", "2s"));
        env.putAll(extra);
        env.values().removeIf(String::isEmpty); // "" removes a default, e.g. the admin token
        Config config = Config.from(env);
        return new AdminServer(KeyRelay.start(config, clock, RotationStep.Listener.NONE), config.admin().token().orElse(null));
    }

    /** A client that sends the admin token as a bearer token. */
    AdminClient admin() {
        return new AdminClient(this, TOKEN);
    }

    AdminClient anonymous() {
        return new AdminClient(this, null);
    }

    String baseUri() {
        return "http://127.0.0.1:" + relay.port();
    }

    /** A fresh upstream-looking key, registered as a secret. */
    String newApiKey(String hint) {
        String key = "sk-" + hint + "-" + KEYS.incrementAndGet() + "-Zq8rT2vLmN4pX7wB9cD1eF3gH5";
        secrets.add(key);
        return key;
    }

    @Override
    public void close() {
        relay.close();
    }
}
