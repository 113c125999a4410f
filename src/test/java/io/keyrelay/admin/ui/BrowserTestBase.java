package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One headless Chromium per test class; for each test a fresh KeyRelay (embedded database in a temp dir) in front
 * of the fake upstream, and the UI open on it. A test fails if the page logged a script error or a CSP violation.
 */
abstract class BrowserTestBase {
    static final String TOKEN = RelayFixture.ADMIN_TOKEN;
    static final String MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":32,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    static final String QUOTA_ERROR = "{\"error\":{\"type\":\"billing_error\",\"message\":\"Insufficient balance\"}}";

    static HeadlessChromium chromium;

    @TempDir
    Path dataDir;
    RelayFixture fixture;
    AdminUiPage ui;

    @BeforeAll
    static void startBrowser() {
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void startRelay() {
        fixture = RelayFixture.start(dataDir, relayEnv());
        chromium.size(1400, 1000);
        ui = new AdminUiPage(chromium.driver, fixture.baseUrl());
        chromium.consoleProblems(); // what earlier tests left
    }

    /** Settings for the KeyRelay each test starts, on top of the fixture's. */
    Map<String, String> relayEnv() {
        return Map.of();
    }

    @AfterEach
    void stopRelay() {
        try {
            List<String> problems = chromium.consoleProblems().stream()
                    // a request answered 401 (before signing in) is expected, and Chrome logs it
                    .filter(m -> !m.contains("status of 401")).toList();
            assertEquals(List.of(), problems, "the page logged errors");
        } finally {
            chromium.driver.manage().deleteAllCookies();
            // off the page first: its auto-refresh must not call the stopped relay while the next test sets up
            chromium.driver.get("about:blank");
            fixture.close();
        }
    }

    void signedInAt(String page) {
        ui.open(page);
        ui.signInAndWait(TOKEN);
    }

    /** One proxy request on /v1/messages, as a client would send it; returns the status. */
    int proxyRequest() {
        int status = fixture.post("/v1/messages", MESSAGE).statusCode();
        fixture.awaitStateWrites();
        return status;
    }

    /** GET on the admin API with the bearer token, as a script would call it. */
    JsonObject adminGet(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(fixture.baseUrl() + path))
                .header("authorization", "Bearer " + TOKEN).GET().build();
        try {
            HttpResponse<String> answer = fixture.http().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            return new JsonObject(answer.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
