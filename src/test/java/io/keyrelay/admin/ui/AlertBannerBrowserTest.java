package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.EventReason;
import io.keyrelay.support.Eventually;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The low-backup alert banner (GET /admin/alerts) across the top of every page, in both languages. */
class AlertBannerBrowserTest extends BrowserTestBase {
    private static final By BANNER = By.cssSelector("#alerts .alert-banner");
    private static final String WARNING_BACKGROUND = "rgb(255, 251, 235)";

    @Override
    Map<String, String> relayEnv() {
        return Map.of("KEYRELAY_BACKUP_LOW_WATERMARK", "3");
    }

    @Test
    void bannerShowsWhileBackupKeysAreBelowTheWatermarkInBothLanguagesAndGoesOnceKeysAreImported() {
        fixture.addBackup("b1", false);
        fixture.services().operations().checkBackupsSoon();
        Eventually.waitUntil(() -> adminGet("/admin/alerts").getLong("availableBackups") == 1, "one backup key counted");

        ui.open("keys");
        ui.visible(By.cssSelector("input[name='token']"));
        assertFalse(ui.isShown(BANNER), "no banner on the sign-in page");
        ui.signInAndWait(TOKEN);

        WebElement banner = ui.visible(BANNER);
        assertEquals("alert", chromium.driver.findElement(By.id("alerts")).getAttribute("role"));
        assertEquals("Backup keys need attention", banner.findElement(By.cssSelector(".alert-banner-title")).getText());
        assertEquals("Only 1 unused backup key is left; KeyRelay warns below 3.", message("backup_low"));
        assertEquals(WARNING_BACKGROUND, ui.cssValue(banner, "background-color"), "warning colours");
        assertTrue(entry("backup_low").getText().contains("since "), entry("backup_low").getText());

        ui.go("events");
        assertEquals("Only 1 unused backup key is left; KeyRelay warns below 3.", message("backup_low"), "on every page");

        ui.language("vi");
        ui.await(d -> message("backup_low").equals("Chỉ còn 1 khóa dự phòng chưa dùng; KeyRelay cảnh báo khi còn dưới 3."));
        assertEquals("Khóa dự phòng cần được bổ sung", ui.visible(By.cssSelector(".alert-banner-title")).getText());
        assertEquals("Đến trang Khóa dự phòng", link().getText());
        ui.language("en");
        ui.await(d -> link().getText().equals("Go to Backup keys"));

        // the banner's link leads to the backup keys, where the operator imports two more
        link().click();
        ui.await(d -> "backup-keys".equals(d.findElement(By.id("main")).getAttribute("data-page")));
        ui.action("import").click();
        ui.dialog().findElement(By.cssSelector("textarea")).sendKeys(
                RelayFixture.apiKeyOf("b2") + "\n" + RelayFixture.apiKeyOf("b3"));
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        assertEquals("2 added, 0 skipped.", ui.visible(By.cssSelector("[role='dialog'] .import-summary")).getText());
        chromium.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.await(d -> !ui.dialogOpen());

        // KeyRelay re-counts on the import; the banner goes at the page's next refresh
        ui.await(d -> !ui.isShown(BANNER));
        assertEquals(0L, ui.script("return document.getElementById('alerts').childElementCount"));
        assertTrue(adminGet("/admin/alerts").getJsonArray("alerts").isEmpty());
    }

    @Test
    void anExhaustedKeyWithNoBackupLeftIsNamedFirstAndItsEntryGoesWhenABackupKeyIsAdded() {
        fixture.addKey("k1", false);
        fixture.services().lifecycle().rotate(fixture.services().pool().get("k1").orElseThrow(),
                EventReason.QUOTA_EXCEEDED, 402);
        fixture.awaitStateWrites(); // no backup key to rotate in: k1 is exhausted
        Eventually.waitUntil(() -> adminGet("/admin/alerts").getJsonArray("alerts").size() == 2, "both alerts raised");

        signedInAt("keys");
        ui.visible(BANNER);
        assertEquals(List.of("no_backup_left", "backup_low"), conditions(), "the exhausted key first");
        assertEquals("Key k1 failed and no backup key was left to replace it, so it is exhausted until its cooldown ends.",
                message("no_backup_left"));
        assertEquals("No unused backup key is left (KeyRelay warns below 3). The next key that fails cannot be replaced.",
                message("backup_low"));

        chromium.size(375, 812);
        assertTrue(link().isDisplayed(), "the link on a narrow screen too");
        chromium.size(1400, 1000);

        // a backup key added through the API clears no_backup_left; one key is still below the watermark
        String b1 = new JsonObject().put("id", "b1").put("apiKey", RelayFixture.apiKeyOf("b1")).encode();
        assertEquals(201, fixture.post("/admin/ohmygpt/backup-keys", b1, Map.of("authorization", "Bearer " + TOKEN))
                .statusCode());
        ui.await(d -> conditions().equals(List.of("backup_low")));
        assertEquals("Only 1 unused backup key is left; KeyRelay warns below 3.", message("backup_low"));

        ui.visible(By.id("sign-out")).click();
        ui.visible(By.cssSelector("input[name='token']"));
        assertFalse(ui.isShown(BANNER), "signing out removes the banner");
    }

    private WebElement entry(String condition) {
        return ui.visible(By.cssSelector("#alerts li[data-condition='" + condition + "']"));
    }

    private String message(String condition) {
        return entry(condition).findElement(By.cssSelector(".alert-message")).getText();
    }

    private WebElement link() {
        return ui.visible(By.cssSelector("#alerts a[href='#/backup-keys']"));
    }

    private List<String> conditions() {
        return ui.allVisible(By.cssSelector("#alerts li[data-condition]")).stream()
                .map(li -> li.getAttribute("data-condition")).toList();
    }
}
