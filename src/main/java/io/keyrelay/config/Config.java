package io.keyrelay.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * KeyRelay's whole configuration, read once at start from {@code KEYRELAY_*} environment variables.
 * This is the only class that reads the environment; everything else receives typed values.
 */
public record Config(
        Server server,
        Edge edge,
        Upstream upstream,
        Storage storage,
        Pool pool,
        Resilience resilience,
        Keywords keywords,
        Admin admin,
        Operations operations,
        Insight insight) {

    /** Listening socket and process-level settings. */
    public record Server(String host, int port, int eventLoops, long maxBodyBytes, Duration shutdownGrace,
                         String instanceId) {
    }

    /**
     * What KeyRelay accepts from whoever connects (SPEC §8 "Hostile clients").
     *
     * @param bodyBudgetBytes request bodies buffered at once, all connections together; over it, 503
     * @param headerTimeout   how long a connection may take to send a whole request head (and wait between requests)
     * @param minBodyRate     bytes per second a request body must arrive at, on average, after {@code headerTimeout}
     * @param allowedHosts    host names the admin API, UI and metrics answer (DNS rebinding); empty: any
     * @param trustedProxies  addresses of reverse proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto}
     *                        are believed; empty: the TCP peer is the client
     */
    public record Edge(long bodyBudgetBytes, Duration headerTimeout, long minBodyRate, List<String> allowedHosts,
                       List<String> trustedProxies) {
    }

    /** Where requests go and how long we wait for them. */
    /**
     * Where requests go and how long we wait for them: every route goes to a base URL plus its own path, except
     * messages and chat completions, whose URLs are set apiece (by default, the base plus the seed's paths).
     */
    public record Upstream(URI primaryBase, URI failoverBase, URI primaryMessages, URI primaryCompletions,
                           URI failoverMessages, URI failoverCompletions, Duration connectTimeout,
                           Duration firstByteTimeout, Duration streamIdleTimeout, int maxAttempts, Optional<Path> caFile) {
    }

    /** MongoDB: an external URI, or the embedded server under {@code dataDir} when the URI is absent. */
    public record Storage(Optional<String> mongodbUri, Path dataDir) {
        public boolean embedded() {
            return mongodbUri.isEmpty();
        }
    }

    /** Key-pool timings. */
    public record Pool(Duration syncInterval, Duration rateLimitCooldown, Duration exhaustedCooldown,
                       Duration cooldownSweepInterval, Duration usedBackupRetention, Duration usageFlushInterval,
                       Duration rotationLease, Duration eventRetention, int rotationBurst) {
    }

    /**
     * How KeyRelay rides out dead endpoints and dead peers (SPEC §3).
     *
     * @param breakerFailures   transient failures in a row of one key on one endpoint that open its breaker
     * @param breakerOpen       how long an opened breaker keeps the key out before one request tries it again
     * @param breakerMaxOpen    the cap of that wait, which doubles each time the trial fails
     * @param heartbeatInterval how often an instance records in the database that it is alive
     * @param peerStaleAfter    a peer whose heartbeat is older than this is taken for dead: its rotations are finished
     */
    public record Resilience(int breakerFailures, Duration breakerOpen, Duration breakerMaxOpen,
                             Duration heartbeatInterval, Duration peerStaleAfter) {
    }

    /** Words that, in an upstream error body, change how an error is classified (matched case-insensitively). */
    public record Keywords(List<String> quota, List<String> permanentBlock) {
    }

    /**
     * Admin API settings.
     *
     * @param token        the admin token, or empty to use (or generate) the stored one
     * @param keyTestModel the model of the one-token request a key test sends upstream
     */
    public record Admin(Optional<String> token, String keyTestModel) {
    }

    /**
     * Health, metrics and alerts.
     *
     * @param metricsToken        bearer token {@code /metrics} asks for; empty: no auth
     * @param backupLowWatermark  alert when fewer unused backup keys than this are left
     * @param alertWebhook        where alerts are POSTed as JSON; empty: alerts are only logged and shown
     * @param alertRepeatInterval the same alert is sent at most once per this interval
     * @param healthCheckInterval how often the database is pinged for {@code /readyz}
     */
    public record Operations(Optional<String> metricsToken, int backupLowWatermark, Optional<URI> alertWebhook,
                             Duration alertRepeatInterval, Duration healthCheckInterval) {
    }

    /**
     * The request log and usage over time (SPEC §5a).
     *
     * @param requestLogPerSecond    logged requests written a second at most; 0 switches the request log off
     * @param requestLogMaxEntries   the log keeps at most this many requests (0: no cap, only the retention)
     * @param requestLogRetention    how long a logged request is kept
     * @param usageRetention         how long usage buckets are kept
     * @param usageFlushInterval     how often usage over time is written (each write of a bucket costs the database
     *                               about as much for one name as for all, so less often than the usage counters)
     */
    public record Insight(int requestLogPerSecond, int requestLogMaxEntries, Duration requestLogRetention,
                          Duration usageRetention, Duration usageFlushInterval) {
    }

    /** The request log's cap on the embedded database, which reads it by scanning (it has no secondary indexes). */
    public static final int EMBEDDED_REQUEST_LOG_MAX_ENTRIES = 20_000;
    /**
     * The request log's write rate on the embedded database, which costs the instance's own cores 0.1-0.4 ms of CPU
     * an entry, the minute's cap included (docs/performance.md).
     */
    public static final int EMBEDDED_REQUEST_LOG_PER_SECOND = 50;

    public static final String PRIMARY_BASE = "https://api.ohmygpt.com";
    public static final String FAILOVER_BASE = "https://c-z0-api-01.hash070.com";
    /** The seed's failover completions path, without {@code /v1}; see the README. */
    public static final String FAILOVER_COMPLETIONS_PATH = "/chat/completions";

    /** A small, cheap current Claude model: a key test costs a few input tokens and one output token of it. */
    public static final String DEFAULT_KEY_TEST_MODEL = "claude-haiku-4-5";
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,256}");

    public static final List<String> DEFAULT_QUOTA_KEYWORDS = List.of("exceededbudget", "budget_exceeded", "over budget");
    public static final List<String> DEFAULT_BLOCK_KEYWORDS = List.of("banned", "blocked", "suspended", "disabled");

    /**
     * Reads the process environment, on top of the optional file named by {@code KEYRELAY_CONFIG_FILE}
     * ({@code KEY=VALUE} lines, {@code #} comments); a variable set in the environment wins over the file.
     */
    public static Config fromEnvironment() {
        return from(withConfigFile(System.getenv()));
    }

    static Map<String, String> withConfigFile(Map<String, String> environment) {
        String file = environment.get("KEYRELAY_CONFIG_FILE");
        if (file == null || file.isBlank()) {
            return environment;
        }
        Map<String, String> merged = new java.util.HashMap<>(ConfigFile.read(Path.of(file.trim())));
        merged.putAll(environment);
        return merged;
    }

    /** Reads and validates; throws {@link ConfigException} naming the first bad variable. */
    public static Config from(Map<String, String> variables) {
        Env env = new Env(variables);
        int port = env.integer("KEYRELAY_PORT", 8080, 0, 65535);
        Server server = new Server(
                env.string("KEYRELAY_HOST", "0.0.0.0"),
                port,
                env.integer("KEYRELAY_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
                env.bytes("KEYRELAY_MAX_BODY_BYTES", 32L * 1024 * 1024),
                env.duration("KEYRELAY_SHUTDOWN_GRACE", Duration.ofSeconds(30)),
                env.string("KEYRELAY_INSTANCE_ID", defaultInstanceId(port)));
        Edge edge = new Edge(
                env.bytes("KEYRELAY_BODY_BUDGET", Runtime.getRuntime().maxMemory() / 4),
                env.duration("KEYRELAY_HEADER_TIMEOUT", Duration.ofSeconds(30)),
                env.bytes("KEYRELAY_MIN_BODY_RATE", 4 * 1024),
                env.list("KEYRELAY_ALLOWED_HOSTS", List.of()),
                env.list("KEYRELAY_TRUSTED_PROXIES", List.of()));
        URI primaryBase = env.baseUrl("KEYRELAY_PRIMARY_BASE_URL", PRIMARY_BASE);
        URI failoverBase = env.baseUrl("KEYRELAY_FAILOVER_BASE_URL", FAILOVER_BASE);
        Upstream upstream = new Upstream(primaryBase, failoverBase,
                env.url("KEYRELAY_PRIMARY_MESSAGES_URL", join(primaryBase, "/v1/messages")),
                env.url("KEYRELAY_PRIMARY_COMPLETIONS_URL", join(primaryBase, "/v1/chat/completions")),
                env.url("KEYRELAY_FAILOVER_MESSAGES_URL", join(failoverBase, "/v1/messages")),
                env.url("KEYRELAY_FAILOVER_COMPLETIONS_URL", join(failoverBase, FAILOVER_COMPLETIONS_PATH)),
                env.duration("KEYRELAY_CONNECT_TIMEOUT", Duration.ofSeconds(10)),
                env.duration("KEYRELAY_FIRST_BYTE_TIMEOUT", Duration.ofSeconds(300)),
                env.duration("KEYRELAY_STREAM_IDLE_TIMEOUT", Duration.ofSeconds(120)),
                env.integer("KEYRELAY_MAX_ATTEMPTS", 4, 1, 20),
                Optional.ofNullable(env.optional("KEYRELAY_UPSTREAM_CA_FILE")).map(file -> certificateFile("KEYRELAY_UPSTREAM_CA_FILE", file)));
        Storage storage = new Storage(
                Optional.ofNullable(env.optional("KEYRELAY_MONGODB_URI")).map(uri -> validMongoUri(uri)),
                Path.of(env.string("KEYRELAY_DATA_DIR", "./data")));
        Pool pool = new Pool(
                env.duration("KEYRELAY_SYNC_INTERVAL", Duration.ofSeconds(5)),
                env.duration("KEYRELAY_RATE_LIMIT_COOLDOWN", Duration.ofMinutes(2)),
                env.duration("KEYRELAY_EXHAUSTED_COOLDOWN", Duration.ofHours(24)),
                env.duration("KEYRELAY_COOLDOWN_SWEEP_INTERVAL", Duration.ofSeconds(30)),
                env.duration("KEYRELAY_USED_BACKUP_RETENTION", Duration.ofHours(12)),
                env.duration("KEYRELAY_USAGE_FLUSH_INTERVAL", Duration.ofSeconds(2)),
                env.duration("KEYRELAY_ROTATION_LEASE", Duration.ofSeconds(30)),
                env.duration("KEYRELAY_EVENT_RETENTION", Duration.ofDays(90)),
                env.integer("KEYRELAY_ROTATION_BURST", 10, 1, 1_000_000));
        Resilience resilience = new Resilience(
                env.integer("KEYRELAY_BREAKER_FAILURES", 5, 1, 1_000),
                env.duration("KEYRELAY_BREAKER_OPEN", Duration.ofSeconds(30)),
                env.duration("KEYRELAY_BREAKER_MAX_OPEN", Duration.ofMinutes(10)),
                env.duration("KEYRELAY_HEARTBEAT_INTERVAL", Duration.ofSeconds(1)),
                env.duration("KEYRELAY_PEER_STALE_AFTER", Duration.ofSeconds(5)));
        if (resilience.breakerMaxOpen().compareTo(resilience.breakerOpen()) < 0) {
            throw Env.invalid("KEYRELAY_BREAKER_MAX_OPEN", resilience.breakerMaxOpen().toString(),
                    "at least KEYRELAY_BREAKER_OPEN");
        }
        if (resilience.peerStaleAfter().compareTo(resilience.heartbeatInterval().multipliedBy(2)) < 0) {
            throw Env.invalid("KEYRELAY_PEER_STALE_AFTER", resilience.peerStaleAfter().toString(),
                    "at least twice KEYRELAY_HEARTBEAT_INTERVAL");
        }
        Keywords keywords = new Keywords(
                env.list("KEYRELAY_QUOTA_KEYWORDS", DEFAULT_QUOTA_KEYWORDS),
                env.list("KEYRELAY_BLOCK_KEYWORDS", DEFAULT_BLOCK_KEYWORDS));
        Admin admin = new Admin(Optional.ofNullable(env.optional("KEYRELAY_ADMIN_TOKEN"))
                .map(t -> validToken("KEYRELAY_ADMIN_TOKEN", t)),
                validModel("KEYRELAY_KEY_TEST_MODEL", env.string("KEYRELAY_KEY_TEST_MODEL", DEFAULT_KEY_TEST_MODEL)));
        Operations operations = new Operations(
                Optional.ofNullable(env.optional("KEYRELAY_METRICS_TOKEN")).map(t -> validToken("KEYRELAY_METRICS_TOKEN", t)),
                env.integer("KEYRELAY_BACKUP_LOW_WATERMARK", 2, 0, 1_000_000),
                Optional.ofNullable(env.optionalUrl("KEYRELAY_ALERT_WEBHOOK_URL")),
                env.duration("KEYRELAY_ALERT_REPEAT_INTERVAL", Duration.ofMinutes(10)),
                env.duration("KEYRELAY_HEALTH_CHECK_INTERVAL", Duration.ofSeconds(2)));
        Insight insight = new Insight(
                env.integer("KEYRELAY_REQUEST_LOG_MAX_PER_SECOND",
                        storage.embedded() ? EMBEDDED_REQUEST_LOG_PER_SECOND : 1_000, 0, 1_000_000),
                env.integer("KEYRELAY_REQUEST_LOG_MAX_ENTRIES",
                        storage.embedded() ? EMBEDDED_REQUEST_LOG_MAX_ENTRIES : 0, 0, Integer.MAX_VALUE),
                env.duration("KEYRELAY_REQUEST_LOG_RETENTION", Duration.ofDays(7)),
                env.duration("KEYRELAY_USAGE_RETENTION", Duration.ofDays(90)),
                env.duration("KEYRELAY_USAGE_OVER_TIME_FLUSH_INTERVAL", Duration.ofSeconds(30)));
        return new Config(server, edge, upstream, storage, pool, resilience, keywords, admin, operations, insight);
    }

    /** A base URL with {@code path} appended (a trailing slash of the base is not doubled). */
    private static String join(URI base, String path) {
        String b = base.toString();
        return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path;
    }

    /** A readable file holding at least one PEM (or DER) X.509 certificate. */
    private static Path certificateFile(String variable, String file) {
        Path path = Path.of(file);
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(path)) {
            if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new ConfigException(variable + " is invalid: " + file + " holds no certificate");
            }
            return path;
        } catch (java.io.IOException | java.security.cert.CertificateException e) {
            throw new ConfigException(variable + " is invalid: cannot read certificates from " + file + " ("
                    + e.getMessage() + ")");
        }
    }

    private static String validMongoUri(String uri) {
        if (!(uri.startsWith("mongodb://") || uri.startsWith("mongodb+srv://"))) {
            throw Env.invalid("KEYRELAY_MONGODB_URI", uri.replaceAll("//[^@/]*@", "//***@"),
                    "a mongodb:// or mongodb+srv:// connection string");
        }
        return uri;
    }

    private static String validToken(String variable, String token) {
        if (token.length() < 16) {
            throw new ConfigException(variable + " is invalid: expected at least 16 characters");
        }
        return token;
    }

    /** A model id as upstreams name models: letters, digits and {@code - _ . : @}, not {@code .} or {@code ..}. */
    private static String validModel(String variable, String model) {
        if (!MODEL_ID.matcher(model).matches() || model.equals(".") || model.equals("..")) {
            throw Env.invalid(variable, model, "a model id of at most 256 letters, digits and - _ . : @");
        }
        return model;
    }

    private static String defaultInstanceId(int port) {
        try {
            return InetAddress.getLocalHost().getHostName() + ":" + port;
        } catch (UnknownHostException e) {
            return "keyrelay:" + port;
        }
    }
}
