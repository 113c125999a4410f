package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.KeyState;
import io.keyrelay.keys.KeyStatus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §5a: search, status and paging on the key lists, with the whole pool's stats. */
@ExtendWith(AdminServerExtension.class)
class KeyListQueryTest {
    private static final String KEYS = "/admin/ohmygpt/keys";
    private static final String BACKUPS = "/admin/ohmygpt/backup-keys";

    static AdminServer server; // started by AdminServerExtension
    static AdminClient admin;

    /** key-01 … key-12: masked as sk-p01ab…z01q, with "hidden01middle" where the mask hides it. */
    static String apiKey(String kind, int i) {
        return String.format("sk-%s%02dab-hidden%02dmiddle-%s-z%02dq", kind, i, i, kind, i);
    }

    @BeforeAll
    static void seed() {
        admin = server.admin();
        for (int i = 1; i <= 12; i++) {
            String key = apiKey("p", i);
            server.secrets.add(key);
            assertEquals(201, admin.post(KEYS, new JsonObject().put("id", String.format("key-%02d", i)).put("apiKey", key)
                    .put("enableFailover", i % 2 == 0)).status());
        }
        var keys = server.relay.services().keys();
        Instant now = Instant.now();
        for (String id : List.of("key-03", "key-07")) {
            keys.compareAndSetState(id, KeyStatus.HEALTHY,
                    new KeyState(KeyStatus.RATE_LIMITED, now.plusSeconds(600), KeyStatus.HEALTHY, "429"), now);
        }
        keys.compareAndSetState("key-05", KeyStatus.HEALTHY, KeyState.usingFailover(), now);
        var backups = server.relay.services().backupKeys();
        for (int i = 1; i <= 5; i++) {
            String key = apiKey("b", i);
            server.secrets.add(key);
            backups.insert(new BackupKey(String.format("spare-%02d", i), key, false, i <= 2, i <= 2, i <= 2 ? "k-gone" : null,
                    i <= 2 ? now : null, now.plusMillis(i)));
        }
    }

    private static List<String> ids(JsonObject answer) {
        return answer.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("id")).toList();
    }

    @Test
    void withoutParametersTheListIsEveryKeyAsBefore() {
        JsonObject all = admin.get(KEYS).json();
        assertEquals(12, all.getJsonArray("keys").size());
        assertFalse(all.containsKey("total") || all.containsKey("offset") || all.containsKey("limit"), all.fieldNames().toString());
        JsonObject backups = admin.get(BACKUPS).json();
        assertEquals(5, backups.getJsonArray("keys").size());
        assertFalse(backups.containsKey("matching"));
    }

    @Test
    void pagesFollowTheListOrderAndKeepTheWholePoolsStats() {
        JsonObject page = admin.get(KEYS + "?limit=5&offset=5").json();
        assertEquals(List.of("key-06", "key-07", "key-08", "key-09", "key-10"), ids(page));
        assertEquals(12, page.getInteger("total"));
        assertEquals(5, page.getInteger("offset"));
        assertEquals(5, page.getInteger("limit"));
        assertEquals(12, page.getInteger("totalKeys"));
        assertEquals(2, page.getInteger("rateLimitedKeys"));
        assertEquals(6, page.getInteger("failoverEnabledKeys"));

        assertEquals(List.of("key-11", "key-12"), ids(admin.get(KEYS + "?limit=5&offset=10").json()));
        JsonObject beyond = admin.get(KEYS + "?offset=40").json();
        assertEquals(List.of(), ids(beyond));
        assertEquals(12, beyond.getInteger("total"));
        assertNull(beyond.getValue("limit"), "no limit given: every key from the offset");
        assertEquals(10, ids(admin.get(KEYS + "?offset=2").json()).size());
    }

    @Test
    void searchMatchesTheIdOrTheMaskedKeyButNeverWhatTheMaskHides() {
        assertEquals(List.of("key-10", "key-11", "key-12"), ids(admin.get(KEYS + "?search=KEY-1").json()));
        assertEquals(List.of("key-04"), ids(admin.get(KEYS + "?search=sk-p04ab").json()), "the first 8 characters");
        assertEquals(List.of("key-09"), ids(admin.get(KEYS + "?search=z09q").json()), "the last 4");
        JsonObject hidden = admin.get(KEYS + "?search=hidden04").json();
        assertEquals(List.of(), ids(hidden), "the hidden middle of an API key is not searched");
        assertEquals(0, hidden.getInteger("total"));
        assertEquals(List.of(), ids(admin.get(KEYS + "?search=" + apiKey("p", 4)).json()), "nor the whole key");
        assertEquals(List.of("spare-03"), ids(admin.get(BACKUPS + "?search=z03q").json()));
        assertEquals(List.of(), ids(admin.get(BACKUPS + "?search=hidden03").json()));
    }

    @Test
    void statusFiltersAndCombinesWithSearchAndPaging() {
        JsonObject limited = admin.get(KEYS + "?status=rate_limited").json();
        assertEquals(List.of("key-03", "key-07"), ids(limited));
        assertEquals(2, limited.getInteger("total"));
        assertEquals(List.of("key-05"), ids(admin.get(KEYS + "?status=using_failover").json()));
        assertEquals(List.of("key-07"), ids(admin.get(KEYS + "?status=rate_limited&search=7").json()));
        assertEquals(List.of("key-07"), ids(admin.get(KEYS + "?status=rate_limited&limit=1&offset=1").json()));
        assertEquals(9, admin.get(KEYS + "?status=healthy&limit=1").json().getInteger("total"));

        JsonObject used = admin.get(BACKUPS + "?status=used").json();
        assertEquals(List.of("spare-01", "spare-02"), ids(used));
        assertEquals(2, used.getInteger("matching"));
        assertEquals(5, used.getInteger("total"), "total stays the backup pool's");
        assertEquals(3, used.getInteger("available"));
        assertEquals(List.of("spare-04", "spare-05"), ids(admin.get(BACKUPS + "?status=available&offset=1").json()));
    }

    @Test
    void badParametersAreRefusedWithDetails() {
        assertEquals(List.of("limit"), admin.get(KEYS + "?limit=0").paths());
        assertEquals(List.of("limit"), admin.get(KEYS + "?limit=501").paths());
        assertEquals(List.of("limit"), admin.get(KEYS + "?limit=ten").paths());
        assertEquals(List.of("offset"), admin.get(KEYS + "?offset=-1").paths());
        assertEquals(List.of("search"), admin.get(KEYS + "?search=").paths());
        assertEquals(List.of("search"), admin.get(KEYS + "?search=" + "x".repeat(101)).paths());
        assertEquals(List.of("page", "status"), admin.get(KEYS + "?status=broken&page=2").paths());
        AdminClient.Response wrongStatus = admin.get(BACKUPS + "?status=healthy");
        assertEquals(400, wrongStatus.status());
        assertEquals("Invalid input", wrongStatus.error());
        assertEquals("Must be one of available, used",
                wrongStatus.json().getJsonArray("details").getJsonObject(0).getString("message"));
        assertEquals("Must be one of healthy, rate_limited, using_failover, exhausted, error", admin.get(KEYS + "?status=used")
                .json().getJsonArray("details").getJsonObject(0).getString("message"));
        assertEquals(List.of("limit"), admin.get("/admin/ohmygpt/backup-keys/stats?limit=1").paths());
    }

    @Test
    void pagesAndSearchesAnswerFromMemoryWhileTheDatabaseIsDown(@TempDir Path dataDir) {
        // no periodic reload, so shutdown does not wait for one stuck on the dead database
        try (AdminServer own = AdminServer.start(dataDir, Map.of("KEYRELAY_SYNC_INTERVAL", "1h"), Clock.systemUTC())) {
            AdminClient client = own.admin();
            for (int i = 1; i <= 3; i++) {
                own.secrets.add(apiKey("p", i));
                own.secrets.add(apiKey("b", i));
                assertEquals(201, client.post(KEYS, new JsonObject().put("id", "mem-" + i).put("apiKey", apiKey("p", i))).status());
                assertEquals(201, client.post(BACKUPS, new JsonObject().put("id", "spare-" + i).put("apiKey", apiKey("b", i))).status());
            }
            assertEquals(List.of("spare-1"), ids(client.get(BACKUPS + "?limit=1").json()), "a read the outage can fall back on");
            Instant before = Instant.now();

            own.relay.services().storage().embedded().close();

            AdminClient.Response keys = client.get(KEYS + "?search=MEM-2&limit=1");
            assertEquals(200, keys.status(), keys.body());
            assertEquals("true", keys.header("X-KeyRelay-Stale").orElseThrow());
            assertEquals(List.of("mem-2"), ids(keys.json()));
            assertEquals(1, keys.json().getInteger("total"));
            assertEquals(3, keys.json().getInteger("totalKeys"), "the stats of this instance's whole pool");
            assertFalse(keys.json().containsKey("staleAsOf"), "the pool in memory is current here");

            AdminClient.Response backups = client.get(BACKUPS + "?status=available&search=spare-3");
            assertEquals(200, backups.status(), backups.body());
            assertEquals("true", backups.header("X-KeyRelay-Stale").orElseThrow());
            assertEquals(List.of("spare-3"), ids(backups.json()));
            assertEquals(1, backups.json().getInteger("matching"));
            assertEquals(3, backups.json().getInteger("total"));
            assertTrue(Instant.parse(backups.json().getString("staleAsOf")).isBefore(before),
                    "the backup list as last read, and when: " + backups.body());
            AdminClient.Response stats = client.get(BACKUPS + "/stats");
            assertEquals(200, stats.status(), stats.body());
            assertEquals(3, stats.json().getInteger("available"));
            assertTrue(stats.json().containsKey("staleAsOf"));
        }
    }
}
