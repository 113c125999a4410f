package io.keyrelay.admin.ui;

import static io.keyrelay.support.FakeUpstream.any;
import static io.keyrelay.support.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The Requests page (the request log, its filters and attempts) and the Usage page (uPlot charts and totals). */
class InsightBrowserTest extends BrowserTestBase {
    private static final Path SCREENSHOTS = Path.of(System.getProperty("keyrelay.screenshots", "target/screenshots"));
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final By REQUEST_ROWS = By.cssSelector("tr[data-request-id]");

    @Override
    Map<String, String> relayEnv() {
        return Map.of("KEYRELAY_USAGE_OVER_TIME_FLUSH_INTERVAL", "100ms");
    }

    /** Three requests: one retried after a 429, one chat on gpt-4o, one the upstream refused with 400. */
    private void traffic() {
        fixture.addKey("k1", false);
        fixture.addKey("k2", false);
        for (int i = 1; i <= 3; i++) {
            fixture.addBackup("backup-" + i, false); // enough backups that no alert banner covers the pages
        }
        fixture.services().operations().checkBackupsSoon();
        fixture.upstream.on(any(), 1, status(429, "{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}"));
        assertEquals(200, proxyRequest());
        assertEquals(200, fixture.post("/v1/chat/completions", CHAT).statusCode());
        fixture.upstream.on(any(), 1, status(400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"));
        assertEquals(400, proxyRequest());
    }

    private void select(String filter, String value) {
        By control = By.cssSelector("select[data-filter='" + filter + "'], select[data-control='" + filter + "']");
        ui.await(d -> { // the page may re-render under the click; then choose again on the new control
            new Select(ui.visible(control)).selectByValue(value);
            return true;
        });
    }

    @Test
    void theRequestLogListsEachRequestWithItsAttemptsAndFilters() throws IOException {
        traffic();
        signedInAt("requests");
        ui.await(d -> ui.allVisible(REQUEST_ROWS).size() == 3); // written within a second; the page refreshes every 5 s

        WebElement retried = ui.allVisible(REQUEST_ROWS).stream()
                .filter(r -> r.findElements(By.cssSelector(".attempt")).size() == 2).findFirst().orElseThrow();
        assertTrue(retried.getText().contains("429"), retried.getText());
        retried.findElement(By.cssSelector("[data-action='expand']")).click();
        WebElement details = ui.visible(By.cssSelector(".details-row .request-details"));
        assertEquals(2, details.findElements(By.cssSelector(".table-inner > tbody > tr")).size(), details.getText());
        assertTrue(details.getText().contains("Primary"), details.getText());
        shoot("admin-requests-desktop.png");

        select("status", "4xx");
        ui.await(d -> ui.allVisible(REQUEST_ROWS).size() == 1);
        assertEquals("400", ui.visible(REQUEST_ROWS).findElement(By.cssSelector(".request-status")).getAttribute("data-status"));
        select("status", "");
        ui.await(d -> ui.allVisible(REQUEST_ROWS).size() == 3);

        WebElement model = ui.visible(By.cssSelector("input[data-filter='model']"));
        model.sendKeys("gpt-4o", Keys.ENTER);
        ui.await(d -> ui.allVisible(REQUEST_ROWS).size() == 1);
        assertTrue(ui.visible(REQUEST_ROWS).getText().contains("/v1/chat/completions"));

        ui.language("vi");
        ui.await(d -> d.findElement(By.cssSelector("#main h1")).getText().equals("Yêu cầu"));
        ui.language("en");

        chromium.size(375, 900);
        List<WebElement> cards = ui.await(d -> {
            List<WebElement> shown = ui.allVisible(By.cssSelector("article[data-request-id]"));
            return shown.isEmpty() ? null : shown;
        });
        assertEquals(1, cards.size());
        assertTrue(ui.allVisible(REQUEST_ROWS).isEmpty(), "the table gives way to cards");
        assertTrue(((Number) ui.script("return document.documentElement.scrollWidth")).intValue() <= 375,
                "nothing wider than the screen");
    }

    @Test
    void theUsagePageChartsEachModelAndListsTheirTotals() throws IOException {
        traffic();
        signedInAt("usage");
        select("by", "model");
        By totals = By.cssSelector(".usage-totals tr[data-series]");
        ui.await(d -> ui.allVisible(totals).size() == 2);
        ui.visible(By.cssSelector(".chart canvas"));
        String legend = ui.visible(By.cssSelector(".chart .u-legend")).getText();
        assertTrue(legend.contains("claude-sonnet-4-5") && legend.contains("gpt-4o"), legend);
        WebElement claude = ui.visible(By.cssSelector(".usage-totals tr[data-series='claude-sonnet-4-5']"));
        assertTrue(claude.getText().startsWith("claude-sonnet-4-5 2 1"), "2 requests, 1 error: " + claude.getText());
        shoot("admin-usage-desktop.png");

        select("metric", "requests");
        select("range", "month");
        ui.await(d -> ui.allVisible(totals).size() == 2);
        ui.visible(By.cssSelector(".chart canvas"));

        ui.language("vi");
        ui.await(d -> d.findElement(By.cssSelector("#main h1")).getText().equals("Mức dùng"));
        chromium.size(375, 1000);
        ui.await(d -> ((Number) ui.script("return document.querySelector('.chart canvas').getBoundingClientRect().width"))
                .intValue() <= 375);
        assertTrue(((Number) ui.script("return document.documentElement.scrollWidth")).intValue() <= 375,
                "nothing wider than the screen");
        shoot("admin-usage-mobile-vietnamese.png");
        ui.language("en");
    }

    private void shoot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name);
        chromium.screenshot(file);
        assertTrue(Files.size(file) > 10_000, name + " holds a picture");
    }
}
