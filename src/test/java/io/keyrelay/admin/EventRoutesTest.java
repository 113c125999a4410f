package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.keys.KeyEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The event log: newest first, paged, filtered by key. */
@ExtendWith(AdminServerExtension.class)
class EventRoutesTest {
    static AdminServer server; // started by AdminServerExtension
    static AdminClient admin;

    @BeforeAll
    static void start() {
        admin = server.admin();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        var events = server.relay.services().events();
        for (int i = 0; i < 5; i++) {
            events.append(new KeyEvent("ev-a", "healthy", "rate_limited", "rate_limited", 429, "n" + i, "i1", t.plusSeconds(i * 2L)));
            events.append(new KeyEvent("ev-b", "healthy", "using_failover", "quota_exceeded", 402, "m" + i, "i1", t.plusSeconds(i * 2L + 1)));
        }
    }


    private static List<String> details(JsonArray events) {
        return events.stream().map(e -> ((JsonObject) e).getString("detail")).toList();
    }

    @Test
    void newestFirstInPages() {
        JsonObject first = admin.get("/admin/ohmygpt/events?limit=3").json();
        assertEquals(10, first.getLong("total"));
        assertEquals(0, first.getInteger("offset"));
        assertEquals(3, first.getInteger("limit"));
        assertEquals(List.of("m4", "n4", "m3"), details(first.getJsonArray("events")));
        assertEquals(List.of("n3", "m2", "n2"), details(admin.get("/admin/ohmygpt/events?limit=3&offset=3").array("events")));
        assertEquals(50, admin.get("/admin/ohmygpt/events").json().getInteger("limit"));

        JsonObject event = first.getJsonArray("events").getJsonObject(0);
        assertEquals(new JsonObject().put("keyId", "ev-b").put("from", "healthy").put("to", "using_failover")
                .put("reason", "quota_exceeded").put("upstreamStatus", 402).put("detail", "m4").put("instance", "i1")
                .put("at", "2026-01-01T00:00:09Z"), event);
    }

    @Test
    void filtersByKey() {
        JsonObject page = admin.get("/admin/ohmygpt/events?keyId=ev-a&limit=2").json();
        assertEquals(5, page.getLong("total"));
        assertEquals(List.of("n4", "n3"), details(page.getJsonArray("events")));
        assertEquals(0, admin.get("/admin/ohmygpt/events?keyId=nobody").json().getLong("total"));
    }

    @Test
    void operatorActionsAreRecorded() {
        admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "ev-c").put("apiKey", server.newApiKey("ev-c")));
        admin.patch("/admin/ohmygpt/keys/ev-c", new JsonObject().put("enableFailover", true));
        List<String> reasons = admin.get("/admin/ohmygpt/events?keyId=ev-c").array("events").stream()
                .map(e -> ((JsonObject) e).getString("reason")).toList();
        assertEquals(List.of("failover_setting_changed", "created_by_operator"), reasons);
    }

    @Test
    void rejectsBadPagingParameters() {
        assertEquals(List.of("limit"), admin.get("/admin/ohmygpt/events?limit=0").paths());
        assertEquals(List.of("limit"), admin.get("/admin/ohmygpt/events?limit=501").paths());
        assertEquals(List.of("offset"), admin.get("/admin/ohmygpt/events?offset=-1").paths());
        assertEquals(List.of("offset"), admin.get("/admin/ohmygpt/events?offset=ten").paths());
        assertEquals(List.of("limit"), admin.get("/admin/ohmygpt/events?limit=1&limit=2").paths());
        assertEquals(List.of("key"), admin.get("/admin/ohmygpt/events?key=ev-a").paths());
    }
}
