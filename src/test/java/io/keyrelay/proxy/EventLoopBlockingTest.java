package io.keyrelay.proxy;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.RelayFixture;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.internal.VertxInternal;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * KeyRelay's event loops never block: BlockHound instruments the JDK's blocking methods (socket and file I/O,
 * sleeping, parking, waiting) and this test records every call made on one of KeyRelay's event-loop threads while
 * real traffic — streaming and not, both formats, failing keys, rejected clients — goes through the proxy, with the
 * production logging configuration (whose console output goes to the suite's log file).
 */
class EventLoopBlockingTest {
    private static final Set<Thread> watched = ConcurrentHashMap.newKeySet();
    private static final List<String> violations = new CopyOnWriteArrayList<>();

    @TempDir
    Path dataDir;
    RelayFixture relay;
    PrintStream savedOut;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void installBlockHound() {
        BlockHound.Builder builder = BlockHound.builder();
        // Netty's own allowances (its event loop's select, and so on); BlockHound's integrations for System.out and
        // logging are deliberately not loaded: a log line written from an event loop must be found
        java.util.ServiceLoader.load(BlockHoundIntegration.class).stream()
                .map(java.util.ServiceLoader.Provider::get)
                .filter(i -> i.getClass().getName().startsWith("io.netty."))
                .forEach(builder::with);
        // The hand-off of state changes to the writer thread: an unbounded queue whose lock is held for a pointer
        // swap, never while waiting
        builder.allowBlockingCallsInside("io.keyrelay.keys.SerialStateWriter", "submit");
        builder.nonBlockingThreadPredicate(p -> p.or(t -> t.getName().startsWith("vert.x-eventloop-thread-")))
                .blockingMethodCallback(m -> {
                    if (watched.contains(Thread.currentThread())) {
                        violations.add(Thread.currentThread().getName() + " called " + m + "\n" + stack());
                    }
                })
                .install();
    }

    @BeforeEach
    void start() throws Exception {
        useProductionLogging();
        relay = RelayFixture.start(dataDir, Map.of("KEYRELAY_STREAM_IDLE_TIMEOUT", "2s"));
        for (EventExecutor loop : ((VertxInternal) relay.relay.vertx()).eventLoopGroup()) {
            watched.add(loop.submit(Thread::currentThread).get());
        }
        violations.clear();
    }

    @AfterEach
    void stop() throws Exception {
        watched.clear();
        relay.close();
        System.setOut(savedOut);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void proxyTrafficNeverBlocksAnEventLoop() throws Exception {
        for (int i = 0; i < 6; i++) {
            relay.addKey("k" + i, i % 2 == 0);
        }
        relay.addBackup("b1", false);
        relay.upstream.always(key(apiKeyOf("k1")), status(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("retry-after", "1")));
        relay.upstream.on(key(apiKeyOf("k2")), 1, status(402, "{\"error\":{\"message\":\"ExceededBudget\"}}"));
        relay.upstream.on(key(apiKeyOf("k3")), 1, status(402, "{\"error\":{\"message\":\"ExceededBudget\"}}"));
        relay.upstream.always(FakeUpstream.any(), FakeUpstream.slowStream(5, 2));

        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int round = 0; round < 25; round++) {
            for (ProxyRoute route : ProxyRoute.all().toList()) {
                answers.add(send(route.path(), route.body(), "Bearer " + relay.clientKey));
            }
        }
        answers.add(send("/v1/messages", "{\"model\":", "Bearer " + relay.clientKey)); // malformed: 400
        answers.add(send("/v1/messages", new ProxyRoute("/v1/messages", io.keyrelay.upstream.Dialect.ANTHROPIC, false).body(),
                "Bearer kr-unknown")); // 401
        int ok = 0;
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            if (a.get().statusCode() == 200) {
                ok++;
            }
        }
        assertEquals(100, ok, "every proxied request succeeds despite the failing keys");
        relay.awaitStateWrites();

        assertTrue(violations.isEmpty(), "blocking calls on KeyRelay's event loops:\n" + String.join("\n", violations));
    }

    private CompletableFuture<HttpResponse<String>> send(String path, String body, String auth) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.relay.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .header("authorization", auth)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The logging configuration KeyRelay ships, its console pointed at a real file: the suite's log, which
     * LogHygieneTest then scans for keys along with every other test's lines.
     */
    private void useProductionLogging() throws Exception {
        savedOut = System.out;
        java.nio.file.Files.createDirectories(Path.of("target/test-logs"));
        System.setOut(new PrintStream(new FileOutputStream("target/test-logs/keyrelay-tests.log", true), true));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(EventLoopBlockingTest.class.getResource("/logback.xml"));
    }

    private static String stack() {
        return Arrays.stream(Thread.currentThread().getStackTrace()).skip(2).limit(40)
                .map(f -> "    at " + f).collect(Collectors.joining("\n"));
    }
}
