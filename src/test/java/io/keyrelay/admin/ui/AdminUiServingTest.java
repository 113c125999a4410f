package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.RelayFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KeyRelay serves the UI's files from the jar, with the headers that lock the page down. */
class AdminUiServingTest {
    @TempDir
    static Path dataDir;
    static RelayFixture fixture;

    @BeforeAll
    static void start() {
        fixture = RelayFixture.start(dataDir);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void rootRedirectsToTheUi() {
        HttpResponse<String> answer = get("/");
        assertEquals(302, answer.statusCode());
        assertEquals(AdminUi.PATH, answer.headers().firstValue("location").orElseThrow());
    }

    @Test
    void servesThePageWithAStrictContentSecurityPolicy() {
        HttpResponse<String> answer = get("/admin/ui/");
        assertEquals(200, answer.statusCode());
        assertTrue(answer.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        String csp = answer.headers().firstValue("content-security-policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && !csp.contains("unsafe"), csp);
        assertEquals("nosniff", answer.headers().firstValue("x-content-type-options").orElseThrow());
        assertEquals("DENY", answer.headers().firstValue("x-frame-options").orElseThrow());
        assertTrue(answer.body().contains("js/main.js"));
    }

    @Test
    void servesModulesAndDictionariesWithTheirTypes() {
        HttpResponse<String> module = get("/admin/ui/js/main.js");
        assertEquals(200, module.statusCode());
        assertTrue(module.headers().firstValue("content-type").orElseThrow().contains("javascript"));
        HttpResponse<String> vietnamese = get("/admin/ui/i18n/vi.json");
        assertEquals(200, vietnamese.statusCode());
        assertTrue(vietnamese.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        assertTrue(vietnamese.body().contains("Dự phòng"), "served as UTF-8");
    }

    @Test
    void servesTheChartLibraryFromItsWebJarWithItsLicence() {
        HttpResponse<String> library = get("/admin/ui/vendor/uplot/dist/uPlot.esm.js");
        assertEquals(200, library.statusCode());
        assertTrue(library.headers().firstValue("content-type").orElseThrow().contains("javascript"));
        assertTrue(library.headers().firstValue("content-security-policy").isPresent());
        assertTrue(library.body().contains("export"), "an ES module");
        assertTrue(get("/admin/ui/vendor/uplot/LICENSE").body().contains("MIT"));
        assertEquals(200, get("/admin/ui/vendor/uplot/dist/uPlot.min.css").statusCode());
        assertNotEquals(200, get("/admin/ui/vendor/uplot/").statusCode());
        HttpResponse<String> escape = get("/admin/ui/vendor/uplot/../../../pom.properties");
        assertTrue(escape.statusCode() != 200 || !escape.body().contains("version"), "file outside the WebJar served");
    }

    @Test
    void listsNoDirectoriesAndServesNothingOutsideItsFolder() {
        assertEquals(404, get("/admin/ui/nothing-here.js").statusCode());
        assertNotEquals(200, get("/admin/ui/js/").statusCode());
        HttpResponse<String> escape = get("/admin/ui/../logback.xml");
        assertTrue(escape.statusCode() != 200 || !escape.body().contains("<configuration>"), "file outside the UI folder served");
    }

    private static HttpResponse<String> get(String path) {
        try {
            return fixture.http().send(HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
