package io.keyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keeps /admin/openapi.json true: its routes are the router's admin routes, and its shapes are the answers'. */
@ExtendWith(AdminServerExtension.class)
class OpenApiTest {
    static AdminServer server; // started by AdminServerExtension
    static JsonObject doc;

    @BeforeAll
    static void start() {
        AdminClient.Response r = server.admin().get("/admin/openapi.json");
        assertEquals(200, r.status());
        doc = r.json();
    }


    /** The admin routes a router gets from {@link AdminApi#mount}, as Vert.x holds them. */
    static List<RouteTable.Endpoint> mountedEndpoints(AdminServer server) {
        Router router = Router.router(server.relay.vertx());
        AdminApi.mount(router, server.relay.services().admin());
        return router.getRoutes().stream()
                .filter(r -> r.getPath() != null && r.getPath().startsWith("/admin") && r.methods() != null && !r.methods().isEmpty())
                .flatMap(r -> r.methods().stream().map(m -> new RouteTable.Endpoint(m, r.getPath(), Pattern.compile(""))))
                .toList();
    }

    private static Set<String> documented() {
        Set<String> routes = new TreeSet<>();
        JsonObject paths = doc.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) {
                routes.add(method.toUpperCase() + " " + path.replaceAll("\\{([A-Za-z]+)}", ":$1"));
            }
        }
        return routes;
    }

    @Test
    void everyDocumentedRouteIsMountedAndEveryMountedRouteIsDocumented() {
        Set<String> mounted = new TreeSet<>();
        mountedEndpoints(server).forEach(e -> mounted.add(e.method().name() + " " + e.path()));
        assertEquals(mounted, documented());
        assertEquals(29, mounted.size(), "SPEC §5's 18 routes, sign-in, sign-out, session, alerts, the document, "
                + "§5a's request log, usage, pool-key import and its three key tests");
    }

    @Test
    void everyDocumentedRouteAnswersOnTheRunningServer() {
        AdminClient admin = server.admin().header(AdminAuth.CSRF_HEADER, "1");
        for (String route : documented()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replace(":id", "no-such-id");
            if (path.equals("/admin/sign-out")) {
                continue;
            }
            AdminClient.Response r = admin.send(method, path, "{}", "application/json");
            assertNotEquals(405, r.status(), route);
            assertFalse(r.status() == 404 && "Not found".equals(r.error()), route + " is not mounted");
        }
    }

    @Test
    void documentedShapesAreTheAnswers() {
        AdminClient admin = server.admin();
        JsonObject key = admin.post("/admin/ohmygpt/keys", new JsonObject().put("id", "shape")
                .put("apiKey", server.newApiKey("shape"))).json();
        JsonObject backup = admin.post("/admin/ohmygpt/backup-keys", new JsonObject().put("id", "shape-b")
                .put("apiKey", server.newApiKey("shape-b"))).json();
        JsonObject client = admin.post("/admin/client-keys", new JsonObject().put("name", "shape")).json();
        server.secrets.add(client.getString("key"));
        client.remove("key");
        JsonObject event = admin.get("/admin/ohmygpt/events").array("events").getJsonObject(0);

        assertFields("Key", key);
        assertFields("BackupKey", backup);
        assertFields("ClientKey", client);
        assertFields("Event", event);
        assertFields("KeyStats", admin.get("/admin/ohmygpt/stats").json());
        assertFields("BackupStats", admin.get("/admin/ohmygpt/backup-keys/stats").json());
        assertFields("EventPage", admin.get("/admin/ohmygpt/events").json());
        assertFields("Session", admin.get("/admin/session").json());
        io.keyrelay.support.Eventually.waitUntil(() -> !admin.get("/admin/alerts").json().getJsonArray("alerts").isEmpty(),
                "one backup key is below the default watermark of two: an alert is raised");
        JsonObject alerts = admin.get("/admin/alerts").json();
        assertFields("AlertState", alerts);
        assertFields("Alert", alerts.getJsonArray("alerts").getJsonObject(0));
    }

    private static void assertFields(String schema, JsonObject answer) {
        JsonObject properties = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject(schema)
                .getJsonObject("properties");
        assertEquals(new TreeSet<>(properties.fieldNames()), new TreeSet<>(answer.fieldNames()), schema);
    }
}
