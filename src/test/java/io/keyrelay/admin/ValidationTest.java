package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every kind of bad input gets a clear 4xx, and nothing is created by it. */
@ExtendWith(AdminServerExtension.class)
class ValidationTest {
    private static final String KEYS = "/admin/ohmygpt/keys";

    static AdminServer server; // started by AdminServerExtension
    static AdminClient admin;

    @BeforeAll
    static void start() {
        admin = server.admin();
    }


    private AdminClient.Response createKey(JsonObject body) {
        return admin.post(KEYS, body);
    }

    private JsonObject valid(String id) {
        return new JsonObject().put("id", id).put("apiKey", server.newApiKey("valid"));
    }

    @Test
    void invalidInputNamesEveryProblem() {
        AdminClient.Response r = createKey(new JsonObject().put("id", "").put("apiKey", 12).put("enableFailover", "true"));
        assertEquals(400, r.status());
        assertEquals(new JsonObject().put("error", "Invalid input").put("details", new JsonArray()
                .add(new JsonObject().put("path", "id").put("message", "Must be 1 to 50 characters long"))
                .add(new JsonObject().put("path", "apiKey").put("message", "Expected a string"))
                .add(new JsonObject().put("path", "enableFailover").put("message", "Expected a boolean"))), r.json());
    }

    @Test
    void requiredFieldsAndTypes() {
        assertEquals(List.of("id", "apiKey"), createKey(new JsonObject()).paths());
        assertEquals(List.of("id"), createKey(valid("x").put("id", JsonObject.of("a", 1))).paths());
        assertEquals(List.of("id"), createKey(valid("x").putNull("id")).paths());
        assertEquals(List.of("enableFailover"), createKey(valid("x").putNull("enableFailover")).paths());
        assertEquals(List.of("enableFailover"), createKey(valid("x").put("enableFailover", 0)).paths());
    }

    @Test
    void idLengthAndCharacters() {
        assertEquals(201, createKey(valid("i".repeat(50))).status());
        assertEquals(List.of("id"), createKey(valid("i".repeat(51))).paths());
        assertEquals(List.of("id"), createKey(valid("has space")).paths());
        assertEquals(List.of("id"), createKey(valid("a/b")).paths());
        assertEquals(List.of("id"), createKey(valid(" padded")).paths());
        assertEquals(201, createKey(valid("ok.id_with-chars:1@x")).status());
    }

    @Test
    void apiKeyLengthAndSpaces() {
        assertEquals(List.of("apiKey"), createKey(new JsonObject().put("id", "ak1").put("apiKey", "sk-too-short")).paths());
        assertEquals(List.of("apiKey"), createKey(new JsonObject().put("id", "ak2").put("apiKey", "sk-" + "a".repeat(510))).paths());
        assertEquals(List.of("apiKey"), createKey(new JsonObject().put("id", "ak3").put("apiKey", "sk-has a space-0123456789")).paths());
        AdminClient.Response r = createKey(new JsonObject().put("id", "ak4").put("apiKey", "sk-\u0001control-0123456789abc"));
        assertEquals(List.of("apiKey"), r.paths());
    }

    @Test
    void unknownFieldsAreRejected() {
        AdminClient.Response r = createKey(valid("uf").put("status", "healthy").put("tokensUsed", 5));
        assertEquals(400, r.status());
        assertEquals(List.of("status", "tokensUsed"), r.paths());
        assertEquals("Unknown field", r.json().getJsonArray("details").getJsonObject(0).getString("message"));
        assertEquals(List.of("verbose"), admin.get(KEYS + "?verbose=1").paths());
        assertEquals(404, admin.patch(KEYS + "/uf", new JsonObject().put("enableFailover", true)).status(), "nothing was created");
    }

    @Test
    void malformedJsonIs400WithoutEchoingTheBody() {
        String apiKey = server.newApiKey("echo");
        AdminClient.Response r = admin.send("POST", KEYS, "{\"id\":\"m1\",\"apiKey\":" + apiKey + "}", "application/json");
        assertEquals(400, r.status());
        assertEquals("Malformed JSON", r.error());
        assertTrue(r.json().getJsonArray("details").getJsonObject(0).getString("message").contains("line 1"), r.body());

        assertEquals("Malformed JSON", admin.send("POST", KEYS, "{\"id\":\"m1\"", "application/json").error());
        assertEquals("Malformed JSON", admin.send("POST", KEYS, valid("m2").encode() + "{}", "application/json").error());
        AdminClient.Response twice = admin.send("POST", KEYS, "{\"id\":\"m3\",\"id\":\"m4\",\"apiKey\":\"" + apiKey + "\"}", "application/json");
        assertEquals("Malformed JSON", twice.error());
        assertTrue(twice.body().contains("more than once"), twice.body());
    }

    @Test
    void bodiesThatAreNotObjectsOrAreMissing() {
        assertEquals(List.of(""), admin.send("POST", KEYS, "[1,2]", "application/json").paths());
        assertEquals(List.of(""), admin.send("POST", KEYS, "\"text\"", "application/json").paths());
        assertEquals(List.of(""), admin.send("POST", KEYS, "", "application/json").paths());
        assertEquals(List.of(""), admin.send("PATCH", KEYS + "/any", "null", "application/json").paths());
    }

    @Test
    void bodiesOverOneMebibyteAre413() {
        String big = "{\"id\":\"big\",\"apiKey\":\"" + "a".repeat(1024 * 1024) + "\"}";
        AdminClient.Response r = admin.send("POST", KEYS, big, "application/json");
        assertEquals(413, r.status());
        assertEquals("Request body too large: the limit is 1 MiB", r.error());
        assertEquals(413, admin.send("POST", "/admin/ohmygpt/backup-keys/import", "k".repeat(1024 * 1024 + 1), "text/plain").status());
        assertEquals(201, createKey(valid("after-big")).status(), "the server is fine afterwards");
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() {
        AdminClient.Response missing = admin.get("/admin/ohmygpt/nothing");
        assertEquals(404, missing.status());
        assertEquals("Not found", missing.error());
        AdminClient.Response wrongMethod = admin.send("PUT", KEYS, "{}", "application/json");
        assertEquals(405, wrongMethod.status());
        assertEquals("GET, POST", wrongMethod.header("Allow").orElseThrow());
        assertEquals(405, admin.get(KEYS + "/some-id").status());
    }

    @Test
    void answersAreJsonAndNotCached() {
        AdminClient.Response r = admin.get(KEYS);
        assertEquals("application/json; charset=utf-8", r.header("Content-Type").orElseThrow());
        assertEquals("no-store", r.header("Cache-Control").orElseThrow());
        assertEquals("no-store", createKey(new JsonObject()).header("Cache-Control").orElseThrow());
    }
}
