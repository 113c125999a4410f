package io.keyrelay.faults;

import static io.keyrelay.support.Eventually.waitUntil;
import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.status;
import static io.keyrelay.support.RelayFixture.apiKeyOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.PoolKey;
import io.keyrelay.keys.RotationRecord;
import io.keyrelay.keys.RotationStep;
import io.keyrelay.support.ChildKeyRelay;
import io.keyrelay.support.RelayFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one database; every pool key answers 402 and backups wait. One instance (a child JVM) dies in the
 * middle of a rotation; the other serves every request meanwhile and finishes the dead one's rotation within 10 s,
 * as soon as the dead one's heartbeat has gone stale, long before the 30 s lease.
 */
class PeerCrashTest {
    private static final String QUOTA = "{\"error\":{\"message\":\"Insufficient balance\"}}";
    private static final String BODY = "{\"model\":\"claude\",\"max_tokens\":5,\"messages\":[],\"stream\":false}";

    @TempDir
    Path dir;

    @Test
    void aPeerKilledMidRotationCostsNoRequestAndItsRotationIsFinishedWithinTenSeconds() throws Exception {
        Map<String, String> shared = Map.of("KEYRELAY_SYNC_INTERVAL", "500ms");
        Map<String, String> survivorEnv = new HashMap<>(shared);
        survivorEnv.put("KEYRELAY_INSTANCE_ID", "survivor");
        try (RelayFixture survivor = RelayFixture.start(Files.createDirectories(dir.resolve("survivor")), survivorEnv)) {
            for (int i = 0; i < 10; i++) {
                survivor.addKey("k" + i, false);
                survivor.upstream.always(key(apiKeyOf("k" + i)), status(402, QUOTA));
            }
            for (int i = 0; i < 30; i++) {
                survivor.addBackup(String.format("b%02d", i), false);
            }

            Map<String, String> doomedEnv = new HashMap<>(survivor.upstream.env());
            doomedEnv.putAll(shared);
            doomedEnv.put("KEYRELAY_INSTANCE_ID", "doomed");
            doomedEnv.put("KEYRELAY_MONGODB_URI", survivor.services().storage().embedded().connectionString());
            try (ChildKeyRelay doomed = ChildKeyRelay.start(Files.createDirectories(dir.resolve("doomed")), doomedEnv,
                    PeerCrashChild.class.getName(), RotationStep.BACKUP_CLAIMED.name())) {
                post(doomed.port(), survivor.clientKey); // its first 402 starts a rotation, which kills it half way
                waitUntil(() -> !doomed.alive(), "the doomed instance dies mid-rotation", Duration.ofSeconds(20));
                assertTrue(doomed.output().contains("HALT BACKUP_CLAIMED"), doomed.output());
            }
            Instant died = Instant.now();
            List<RotationRecord> orphaned = survivor.services().keys().rotationsHeldBy(Set.of("doomed"));
            assertEquals(1, orphaned.size(), "the dead instance left one rotation half done");
            String orphanedKey = orphaned.get(0).failedKeyId();

            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                answers.add(clients.submit(() -> survivor.post("/v1/messages", BODY)));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get();
                assertEquals(200, r.statusCode(), "served while backups remain: " + r.body());
            }
            clients.shutdown();

            waitUntil(() -> survivor.services().keys().pendingRotations(null, Instant.MAX).isEmpty(),
                    "the dead instance's rotation is finished", Duration.between(Instant.now(), died.plusSeconds(10)));
            survivor.awaitStateWrites();

            List<PoolKey> keys = survivor.services().keys().loadAll();
            List<BackupKey> backups = survivor.services().backupKeys().loadAll();
            assertEquals(30, backups.size(), "no backup key lost");
            List<BackupKey> used = backups.stream().filter(BackupKey::isUsed).toList();
            assertTrue(used.stream().allMatch(BackupKey::activated), "every claimed backup ended in the pool or back");
            assertEquals(used.size(), used.stream().map(BackupKey::usedFor).distinct().count(), "one backup per failed key");
            Set<String> poolApiKeys = keys.stream().map(PoolKey::apiKey).collect(Collectors.toSet());
            assertEquals(keys.size(), poolApiKeys.size(), "no API key twice in the pool");
            assertTrue(used.stream().allMatch(b -> poolApiKeys.contains(b.apiKey())), "each used backup serves in the pool");
            assertTrue(keys.stream().noneMatch(k -> k.id().equals(orphanedKey)), "the orphaned rotation replaced its key");
            assertTrue(keys.stream().anyMatch(k -> orphanedKey.equals(k.replacedKey())));
        }
    }

    /** A request to the doomed instance: it dies before answering, so no answer is expected. */
    private static void post(int port, String clientKey) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").header("authorization", "Bearer " + clientKey)
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        try {
            HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // the connection closed as the process died
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
