package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The client-keys page with a key's controls: set in the dialogs, shown in the list, its budget used by the proxy. */
class ClientKeyControlsBrowserTest extends BrowserTestBase {
    private static final Path SCREENSHOTS = Path.of(System.getProperty("keyrelay.screenshots", "target/screenshots"));
    private static final By ROW = By.xpath("//tr[td[.='reseller']]");

    private void set(String name, String value) {
        WebElement field = ui.field(name);
        field.clear();
        field.sendKeys(value);
    }

    @Test
    void aKeyCreatedWithABudgetShowsItsUsageTowardItAndIsRefusedOnceItIsUsed() throws IOException {
        fixture.addKey("k1", false);
        for (int i = 1; i <= 3; i++) {
            fixture.addBackup("backup-" + i, false); // enough backups that no alert banner covers the page
        }
        fixture.services().operations().checkBackupsSoon();
        signedInAt("client-keys");
        ui.action("create-client-key").click();
        ui.field("name").sendKeys("reseller");
        set("tokenBudget", "40");
        new Select(ui.field("budgetPeriod")).selectByValue("day");
        set("tpmLimit", "10000");
        ui.field("allowedModels").sendKeys("claude-*\ngpt-4o");
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        String secret = ui.visible(By.cssSelector("[role='dialog'] input[data-new-key]")).getAttribute("value");
        ui.dialog().findElement(By.xpath(".//button[.='Done']")).click();
        ui.await(d -> !ui.dialogOpen());

        WebElement row = ui.visible(ROW);
        assertTrue(row.getText().contains("0 of 40 tokens per day"), row.getText());
        assertTrue(row.getText().contains("claude-*, gpt-4o") && row.getText().contains("10,000 tokens / min"), row.getText());
        assertTrue(row.getText().contains("Never"), row.getText());

        Map<String, String> auth = Map.of("x-api-key", secret);
        assertEquals(403, fixture.post("/v1/chat/completions",
                "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", auth).statusCode());
        assertEquals(200, fixture.post("/v1/messages", MESSAGE, auth).statusCode());
        assertEquals(200, fixture.post("/v1/messages", MESSAGE, auth).statusCode()); // 20 tokens each
        ui.await(d -> ui.visible(ROW).getText().contains("40 of 40 tokens per day"));
        assertTrue(ui.visible(ROW).findElement(By.cssSelector(".budget")).getAttribute("class").contains("is-full"));
        assertEquals("40", ui.visible(ROW).findElement(By.cssSelector("progress")).getAttribute("value"));
        assertEquals(429, fixture.post("/v1/messages", MESSAGE, auth).statusCode());
        shoot("admin-client-keys-desktop.png");

        ui.visible(By.xpath("//tr[td[.='reseller']]//button[@data-action='limit']")).click();
        assertEquals("claude-*\ngpt-4o", ui.field("allowedModels").getAttribute("value"), "the dialog shows what is set");
        set("tokenBudget", "100");
        // a date picker's typing order depends on the browser's locale: the value is set as the picker would set it
        ui.script("arguments[0].value = '2030-01-01T12:00'", ui.field("expiresAt"));
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        ui.successToast("Limit of reseller saved.");
        ui.await(d -> ui.visible(ROW).getText().contains("40 of 100 tokens per day"));
        assertTrue(ui.visible(ROW).getText().contains("2030"), ui.visible(ROW).getText());
        assertEquals(200, fixture.post("/v1/messages", MESSAGE, auth).statusCode(), "the new budget has room");

        ui.visible(By.xpath("//tr[td[.='reseller']]//button[@data-action='limit']")).click();
        set("tpmLimit", "-5");
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        ui.await(d -> ui.dialog().getText().contains("enter a whole number"));
        ui.dialog().findElement(By.xpath(".//button[.='Cancel']")).click();
        ui.await(d -> !ui.dialogOpen());

        ui.language("vi");
        ui.await(d -> ui.visible(ROW).getText().contains("trên 100 token mỗi ngày"));
        chromium.size(375, 1100);
        WebElement card = ui.visible(By.cssSelector("article[aria-label='reseller']"));
        assertTrue(card.findElement(By.cssSelector("progress")).isDisplayed());
        assertTrue(((Number) ui.script("return document.documentElement.scrollWidth")).intValue() <= 375,
                "nothing wider than the screen");
        shoot("admin-client-keys-mobile-vietnamese.png");
        ui.language("en");
    }

    @Test
    void anExpiredKeyIsMarkedSo() {
        String id = fixture.services().clientKeys().create("old partner", io.keyrelay.clients.ClientKeyControls.NONE).key().id();
        fixture.services().clientKeys().update(id, k -> k.withControls(new io.keyrelay.clients.ClientKeyControls(0, 0, 0,
                io.keyrelay.clients.BudgetPeriod.TOTAL, java.time.Instant.now().minusSeconds(60),
                io.keyrelay.clients.ModelPatterns.ANY)));
        signedInAt("client-keys");

        WebElement row = ui.visible(By.xpath("//tr[td[.='old partner']]"));
        assertEquals("Expired", row.findElement(By.cssSelector(".badge")).getText());
    }

    private void shoot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name);
        chromium.screenshot(file);
        assertTrue(Files.size(file) > 10_000, name + " holds a picture");
    }
}
