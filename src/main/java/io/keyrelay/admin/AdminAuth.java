package io.keyrelay.admin;

import io.keyrelay.config.Config;
import io.keyrelay.edge.TrustedProxies;
import io.keyrelay.keys.StateWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the admin API: the holder of the admin token ({@code KEYRELAY_ADMIN_TOKEN}, or one generated at the
 * first start, printed once and stored only as its SHA-256 hash), directly as a bearer token or through a session
 * cookie obtained by signing in with it. Built once per process; shared by every event loop.
 */
public final class AdminAuth {
    private static final Logger log = LoggerFactory.getLogger(AdminAuth.class);

    /** The session cookie: HttpOnly, SameSite=Strict, Path=/admin. */
    public static final String SESSION_COOKIE = "keyrelay_admin_session";
    /** Cookie-authenticated writes must carry this header (any value); cross-site pages cannot set it. */
    public static final String CSRF_HEADER = "X-KeyRelay-CSRF";

    static final String TOKEN_HASH_SETTING = "admin.tokenHash";
    static final String SESSION_SECRET_SETTING = "admin.sessionSecret";
    private static final String HASH_PREFIX = "sha256:";

    private final byte[] tokenHash;
    private final SessionCookies sessions;
    private final AuthThrottle throttle;

    private final TrustedProxies trustedProxies;
    private final SessionRevocations revocations;
    private final StateWriter writer;
    private final Clock clock;

    private AdminAuth(byte[] tokenHash, SessionCookies sessions, AuthThrottle throttle, TrustedProxies trustedProxies,
                      SessionRevocations revocations, StateWriter writer, Clock clock) {
        this.tokenHash = tokenHash;
        this.sessions = sessions;
        this.throttle = throttle;
        this.trustedProxies = trustedProxies;
        this.revocations = revocations;
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * The client's address for the throttle ({@link TrustedProxies#clientAddress}). Without trusted proxies' word,
     * every client behind a load balancer would share one count, and anyone could lock the operator out.
     */
    String clientAddress(io.vertx.core.http.HttpServerRequest request) {
        return trustedProxies.clientAddress(request);
    }

    /** Whether the browser reached KeyRelay over HTTPS (the session cookie is then {@code Secure}). */
    boolean overHttps(io.vertx.core.http.HttpServerRequest request) {
        return trustedProxies.overHttps(request);
    }

    /**
     * Reads or creates the admin token's hash and the session secret, and reads the signed-out sessions (blocking:
     * call at start). A generated token is printed to {@code console} this once. Sign-outs are stored through
     * {@code writer}, off the event loop and retried through a database outage.
     */
    public static AdminAuth start(Config.Admin config, TrustedProxies trustedProxies, SettingsStore settings,
                                  SessionRevocations revocations, StateWriter writer, Clock clock, PrintStream console) {
        byte[] hash = config.token().map(AdminAuth::hash).orElseGet(() -> storedOrGenerated(settings, console));
        settings.putIfAbsent(SESSION_SECRET_SETTING, Base64.getEncoder().encodeToString(randomBytes(32)));
        byte[] secret = Base64.getDecoder().decode(settings.get(SESSION_SECRET_SETTING).orElseThrow());
        AdminAuth auth = new AdminAuth(hash, new SessionCookies(secret, hash, clock), new AuthThrottle(clock),
                trustedProxies, revocations, writer, clock);
        auth.reloadRevocations();
        return auth;
    }

    /** Ends a session: refused here at once, stored for every instance and for restarts. */
    void signOut(SessionCookies.Session session) {
        sessions.revoke(session);
        writer.submit("revoke session", () -> revocations.revoke(session.id(), session.expiresAt()));
    }

    /** Reads the sessions signed out here or on other instances (blocking: off the event loops). */
    public void reloadRevocations() {
        sessions.adopt(revocations.unexpired(clock.instant()));
    }

    /** Forgets stored revocations of sessions that have expired anyway (blocking); returns how many. */
    public long pruneRevocations() {
        return revocations.deleteExpired(clock.instant());
    }

    /** Constant-time: the time taken does not depend on how much of the token is right. */
    boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(hash(presented), tokenHash);
    }

    SessionCookies sessions() {
        return sessions;
    }

    AuthThrottle throttle() {
        return throttle;
    }

    private static byte[] storedOrGenerated(SettingsStore settings, PrintStream console) {
        Optional<String> stored = settings.get(TOKEN_HASH_SETTING);
        if (stored.isEmpty()) {
            String token = "kra_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
            byte[] hash = hash(token);
            if (settings.putIfAbsent(TOKEN_HASH_SETTING, HASH_PREFIX + HexFormat.of().formatHex(hash))) {
                printOnce(console, token);
                return hash;
            }
            stored = settings.get(TOKEN_HASH_SETTING); // another instance generated one first
        }
        log.info("admin token: using the stored hash of the token generated at the first start "
                + "(set KEYRELAY_ADMIN_TOKEN to use another one)");
        String value = stored.orElseThrow(() -> new IllegalStateException("admin token hash vanished from the settings"));
        if (!value.startsWith(HASH_PREFIX)) {
            throw new IllegalStateException("setting " + TOKEN_HASH_SETTING + " is not a sha256 hash");
        }
        return HexFormat.of().parseHex(value.substring(HASH_PREFIX.length()));
    }

    private static void printOnce(PrintStream console, String token) {
        String rule = "=".repeat(72);
        console.println(rule);
        console.println("KeyRelay generated an admin token. It is shown this once; only its hash is stored.");
        console.println();
        console.println("    " + token);
        console.println();
        console.println("Sign in to the admin UI with it, or send 'Authorization: Bearer <token>' to /admin.");
        console.println("To choose your own token instead, set KEYRELAY_ADMIN_TOKEN.");
        console.println(rule);
        console.flush();
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
