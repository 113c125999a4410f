package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.EventReason;
import io.keyrelay.support.RelayFixture;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The admin UI's pages, driven in headless Chromium against a real KeyRelay. */
class AdminUiBrowserTest extends BrowserTestBase {

    @Test
    void signInRefusesAWrongTokenAndSignOutEndsTheSession() {
        ui.open("keys");
        ui.signIn("not-the-admin-token-at-all");
        WebElement error = ui.visible(By.cssSelector(".sign-in-card .form-error"));
        assertEquals("That token is not valid.", error.getText());

        ui.signInAndWait(TOKEN);
        assertEquals("Keys", ui.visible(By.cssSelector("#main h1")).getText());

        ui.visible(By.id("sign-out")).click();
        ui.visible(By.cssSelector("input[name='token']"));
        ui.open("keys");
        ui.visible(By.cssSelector("input[name='token']"));
        assertFalse(ui.isShown(By.id("nav")), "no navigation without a session");
    }

    @Test
    void togglingFailoverOnAKeyShowsAToastAndTheNewStateSurvivesAReload() {
        fixture.addKey("k1", false);
        signedInAt("keys");
        WebElement toggle = ui.failoverSwitch("k1");
        assertEquals("switch", toggle.getAttribute("role"));
        assertEquals("false", toggle.getAttribute("aria-checked"));
        assertEquals("Disabled", toggle.getText());
        assertEquals("0", ui.statValue("failover-enabled"));

        toggle.click();
        ui.successToast("Failover enabled for k1.");
        ui.await(d -> ui.failoverSwitch("k1").getAttribute("aria-checked").equals("true"));
        chromium.driver.navigate().refresh();
        assertEquals("Enabled", ui.failoverSwitch("k1").getText());
        assertEquals("1", ui.statValue("failover-enabled"));
        assertTrue(fixture.services().keys().find("k1").orElseThrow().enableFailover());

        // the switch works from the keyboard too
        ui.failoverSwitch("k1").sendKeys(Keys.SPACE);
        ui.successToast("Failover disabled for k1.");
        ui.await(d -> ui.failoverSwitch("k1").getAttribute("aria-checked").equals("false"));
        assertFalse(fixture.services().keys().find("k1").orElseThrow().enableFailover());
    }

    @Test
    void togglingFailoverOnABackupKeyShowsAToastAndTheNewStateSurvivesAReload() {
        fixture.addBackup("b1", false);
        signedInAt("backup-keys");
        assertEquals("Disabled", ui.failoverSwitch("b1").getText());

        ui.failoverSwitch("b1").click();
        ui.successToast("Failover enabled for b1.");
        chromium.driver.navigate().refresh();
        ui.await(d -> ui.failoverSwitch("b1").getAttribute("aria-checked").equals("true"));
        assertEquals("Enabled", ui.failoverSwitch("b1").getText());
        assertEquals("1", ui.statValue("failover-enabled"));
        assertTrue(fixture.services().backupKeys().find("b1").orElseThrow().enableFailover());
    }

    @Test
    void statCardsShowWhatTheApiCounts() {
        fixture.addKey("k-exhausted", false);
        fixture.services().lifecycle().rotate(fixture.services().pool().get("k-exhausted").orElseThrow(),
                EventReason.QUOTA_EXCEEDED, 402);
        fixture.awaitStateWrites(); // rotated while no backup key exists: exhausted
        fixture.addKey("k-healthy", true);
        fixture.addKey("k-plain", false);
        fixture.addKey("k-failover", true);
        fixture.services().lifecycle().markUsingFailover(fixture.services().pool().get("k-failover").orElseThrow(),
                EventReason.QUOTA_EXCEEDED, 402);
        fixture.addKey("k-limited", false);
        fixture.services().lifecycle().markRateLimited(fixture.services().pool().get("k-limited").orElseThrow(),
                Duration.ofMinutes(2), 429);
        fixture.addBackup("b1", true);
        fixture.addBackup("b2", false);
        fixture.services().backupKeys().insert(new BackupKey("b3", RelayFixture.apiKeyOf("b3"), true, true, true,
                "k-gone", Instant.now(), Instant.now()));
        fixture.awaitStateWrites();

        signedInAt("keys");
        JsonObject stats = adminGet("/admin/ohmygpt/stats");
        Map<String, String> keyCards = Map.of("total", "totalKeys", "healthy", "healthyKeys",
                "rate-limited", "rateLimitedKeys", "using-failover", "usingFailoverKeys", "exhausted", "exhaustedKeys",
                "failover-enabled", "failoverEnabledKeys");
        keyCards.forEach((card, field) ->
                assertEquals(String.valueOf(stats.getLong(field)), ui.statValue(card), card));
        assertEquals(List.of(5L, 2L, 1L, 1L, 1L, 2L), List.of(stats.getLong("totalKeys"), stats.getLong("healthyKeys"),
                stats.getLong("rateLimitedKeys"), stats.getLong("usingFailoverKeys"), stats.getLong("exhaustedKeys"),
                stats.getLong("failoverEnabledKeys")));
        assertEquals("Failover enabled", ui.statLabel("failover-enabled"));
        assertEquals("Rate limited", ui.badge("k-limited").getText());
        assertEquals("Exhausted", ui.badge("k-exhausted").getText());

        ui.go("backup-keys");
        JsonObject backups = adminGet("/admin/ohmygpt/backup-keys/stats");
        Map.of("total", "total", "available", "available", "used", "used", "failover-enabled", "failoverEnabledCount")
                .forEach((card, field) -> assertEquals(String.valueOf(backups.getLong(field)), ui.statValue(card), card));
        assertEquals(List.of(3L, 2L, 1L, 2L), List.of(backups.getLong("total"), backups.getLong("available"),
                backups.getLong("used"), backups.getLong("failoverEnabledCount")));
    }

    @Test
    void narrowScreensShowOneCardPerKeyWithTheFailoverIndicatorAndToggle() {
        fixture.addKey("k1", true);
        fixture.addKey("k2", false);
        fixture.addBackup("b1", true);
        chromium.size(375, 812);
        signedInAt("keys");

        assertFalse(ui.isShown(By.cssSelector("#main table")), "no table under 768 px");
        WebElement card = ui.entry("k1");
        assertEquals("article", card.getTagName());
        assertEquals("Healthy", ui.badge("k1").getText());
        WebElement indicator = card.findElement(By.cssSelector(".failover-indicator"));
        assertEquals("Enabled", indicator.getText());
        assertTrue(card.findElement(By.cssSelector(".card-failover")).getText().startsWith("Failover"));
        assertEquals("Disabled", ui.entry("k2").findElement(By.cssSelector(".failover-indicator")).getText());

        ui.failoverSwitch("k2").click();
        ui.successToast("Failover enabled for k2.");
        ui.await(d -> ui.entry("k2").findElement(By.cssSelector(".failover-indicator")).getText().equals("Enabled"));

        ui.go("backup-keys");
        assertEquals("Enabled", ui.entry("b1").findElement(By.cssSelector(".failover-indicator")).getText());
        assertTrue(ui.failoverSwitch("b1").isDisplayed());
    }

    @Test
    void switchingToVietnameseTranslatesTheLabelsAndIsRemembered() {
        fixture.addKey("k1", true);
        assertEquals(200, proxyRequest()); // so the key has a last-used time to format
        signedInAt("keys");
        assertTrue(ui.entry("k1").getText().matches("(?s).*\\b[A-Z][a-z]{2} \\d{1,2}, \\d{4}.*"), "English date");

        ui.language("vi");
        ui.await(d -> ui.visible(By.cssSelector("#main h1")).getText().equals("Khóa"));
        assertEquals("vi", ui.script("return document.documentElement.lang"));
        assertEquals("Khóa dự phòng", ui.visible(By.cssSelector("#nav a[data-page='backup-keys']")).getText());
        assertEquals("Đã bật", ui.failoverSwitch("k1").getText());
        assertEquals("Hoạt động tốt", ui.badge("k1").getText());
        assertEquals("Đã bật dự phòng", ui.statLabel("failover-enabled"));
        assertTrue(headers().contains("Dự phòng"), headers().toString());
        assertTrue(ui.entry("k1").getText().contains("thg"), "Vietnamese date: " + ui.entry("k1").getText());

        chromium.driver.navigate().refresh();
        ui.await(d -> ui.visible(By.cssSelector("#main h1")).getText().equals("Khóa"));
        ui.action("add-key").click();
        assertEquals("Bật chuyển đổi dự phòng",
                ui.dialog().findElement(By.cssSelector("label[for='" + ui.field("enableFailover").getAttribute("id") + "']")).getText());
        ui.field("id").sendKeys(Keys.ESCAPE);
    }

    @Test
    void dialogsLabelTheirFieldsKeepFocusInsideAndCloseOnEscape() {
        signedInAt("keys");
        WebElement opener = ui.action("add-key");
        opener.click();
        WebElement dialog = ui.dialog();
        assertEquals("true", dialog.getAttribute("aria-modal"));
        for (WebElement input : dialog.findElements(By.cssSelector("input"))) {
            String id = input.getAttribute("id");
            assertFalse(dialog.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty(), "label for " + id);
        }
        assertEquals("id", chromium.driver.switchTo().activeElement().getAttribute("name"), "focus starts in the dialog");
        for (int i = 0; i < 12; i++) {
            chromium.driver.switchTo().activeElement().sendKeys(Keys.TAB);
            assertTrue((Boolean) ui.script("return arguments[0].contains(document.activeElement)", dialog), "Tab " + i);
        }
        for (int i = 0; i < 12; i++) {
            chromium.driver.switchTo().activeElement().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
            assertTrue((Boolean) ui.script("return arguments[0].contains(document.activeElement)", dialog), "Shift+Tab " + i);
        }
        chromium.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.await(d -> !ui.dialogOpen());
        assertEquals(opener, chromium.driver.switchTo().activeElement(), "focus returns to what opened the dialog");
    }

    @Test
    void clientKeyIsShownOnceWorksOnTheProxyAndCanBeLimitedAndDisabled() {
        fixture.addKey("k1", false);
        signedInAt("client-keys");
        ui.action("create-client-key").click();
        ui.field("name").sendKeys("mobile app");
        WebElement rpm = ui.field("rpmLimit");
        rpm.clear();
        rpm.sendKeys("60");
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();

        WebElement shown = ui.visible(By.cssSelector("[role='dialog'] input[data-new-key]"));
        String secret = shown.getAttribute("value");
        assertTrue(ui.dialog().getText().contains("It is shown only once"));
        ui.dialog().findElement(By.cssSelector("[data-action='copy']")).click();
        ui.successToast("Copied to the clipboard.");
        assertEquals(200, fixture.post("/v1/messages", MESSAGE, Map.of("x-api-key", secret)).statusCode());
        ui.dialog().findElement(By.xpath(".//button[.='Done']")).click();
        ui.await(d -> !ui.dialogOpen());
        assertFalse(chromium.driver.getPageSource().contains(secret), "the full key is gone from the page");

        WebElement row = ui.visible(By.xpath("//tr[td[.='mobile app']]"));
        assertTrue(row.getText().contains("60 / min"), row.getText());

        ui.visible(By.xpath("//tr[td[.='mobile app']]//button[@data-action='limit']")).click();
        WebElement limit = ui.field("rpmLimit");
        limit.clear();
        limit.sendKeys("0");
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        ui.successToast("Limit of mobile app saved.");
        ui.await(d -> ui.visible(By.xpath("//tr[td[.='mobile app']]")).getText().contains("No limit"));

        ui.visible(By.xpath("//tr[td[.='mobile app']]//button[@data-action='disable']")).click();
        ui.successToast("mobile app disabled.");
        ui.await(d -> ui.visible(By.xpath("//tr[td[.='mobile app']]")).getText().contains("Disabled"));
        ui.await(d -> fixture.post("/v1/messages", MESSAGE, Map.of("x-api-key", secret)).statusCode() == 401);
    }

    @Test
    void bulkImportAddsKeysReportsSkippedOnesAndUsedKeysCanBeRestored() {
        fixture.addBackup("b-existing", false);
        fixture.services().backupKeys().insert(new BackupKey("b-used", RelayFixture.apiKeyOf("b-used"), false, true,
                true, "k-old", Instant.now(), Instant.now()));
        signedInAt("backup-keys");

        ui.action("import").click();
        ui.dialog().findElement(By.cssSelector("textarea")).sendKeys(String.join("\n",
                "# three keys, one already there",
                "b-new," + RelayFixture.apiKeyOf("b-new"),
                RelayFixture.apiKeyOf("anonymous"),
                "b-existing," + RelayFixture.apiKeyOf("b-existing")));
        ui.field("enableFailover").click();
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        WebElement result = ui.visible(By.cssSelector("[role='dialog'] .import-summary"));
        assertEquals("2 added, 1 skipped.", result.getText());
        assertTrue(ui.dialog().findElement(By.cssSelector(".import-skipped")).getText().contains("b-existing"));
        chromium.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.await(d -> !ui.dialogOpen());

        ui.await(d -> ui.statValue("total").equals("4"));
        assertEquals("true", ui.failoverSwitch("b-new").getAttribute("aria-checked"));

        assertEquals("Used", ui.badge("b-used").getText());
        ui.actionOf("b-used", "restore").click();
        ui.confirm();
        ui.successToast("Backup key b-used is available again.");
        ui.await(d -> ui.badge("b-used").getText().equals("Available"));
        assertFalse(fixture.services().backupKeys().find("b-used").orElseThrow().isUsed());
    }

    private List<String> headers() {
        return chromium.driver.findElements(By.cssSelector("#main th")).stream()
                .map(th -> th.getAttribute("textContent")).toList();
    }
}
