package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** While the database is down the pages show what KeyRelay holds in memory, under a banner that says so. */
class StaleBannerBrowserTest extends BrowserTestBase {
    private static final By BANNER = By.cssSelector("#stale .stale-banner");

    @Override
    Map<String, String> relayEnv() {
        return Map.of("KEYRELAY_HEALTH_CHECK_INTERVAL", "200ms");
    }

    @Test
    void aDatabaseOutageShowsTheBannerOverTheKeysInMemoryAndTheBannerGoesWhenTheDatabaseIsBack() {
        fixture.addKey("k1", false);
        fixture.addKey("k2", true);
        signedInAt("keys");
        ui.visible(By.cssSelector("tr[data-key-id='k1']"));
        assertFalse(ui.isShown(BANNER));

        fixture.services().storage().embedded().stopListening();
        try {
            WebElement banner = ui.visible(BANNER); // at the page's next refresh, once the read fell back to memory
            assertEquals("The database cannot be reached", banner.findElement(By.cssSelector(".alert-banner-title")).getText());
            assertEquals("status", chromium.driver.findElement(By.id("stale")).getAttribute("role"));
            String page = chromium.driver.findElement(By.id("main")).getText();
            assertTrue(page.contains("k1") && page.contains("k2"), "the keys are still listed: " + page);

            ui.language("vi");
            ui.await(d -> ui.visible(BANNER).getText().contains("Không kết nối được cơ sở dữ liệu"));
            ui.language("en");
        } finally {
            fixture.services().storage().embedded().startListening();
        }
        ui.await(d -> !ui.isShown(BANNER));
        assertEquals(0L, ui.script("return document.getElementById('stale').childElementCount"));
    }
}
