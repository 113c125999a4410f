package io.keyrelay.admin.ui;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.side;
import static io.keyrelay.support.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.KeyStatus;
import io.keyrelay.support.FakeUpstream.Side;
import io.keyrelay.support.RelayFixture;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The Test buttons (listed keys, backup keys, typed keys) against the scripted upstream. */
class KeyTestBrowserTest extends BrowserTestBase {

    private WebElement endpoint(String name) {
        return ui.dialog().findElement(By.cssSelector(".key-test-endpoint[data-endpoint='" + name + "']"));
    }

    private String verdict() {
        return ui.await(d -> ui.dialog().findElements(By.cssSelector(".key-test[data-verdict]")).stream().findFirst()
                .map(e -> e.getAttribute("data-verdict")).orElse(null));
    }

    private void closeDialog() {
        chromium.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.await(d -> !ui.dialogOpen());
    }

    @Test
    void testingAKeyShowsTheVerdictAndEachEndpointAndChangesNothing() {
        fixture.addKey("k-works", false);
        fixture.addKey("k-moves", true);
        fixture.upstream.on(key(RelayFixture.apiKeyOf("k-moves")).and(side(Side.PRIMARY)), 1, status(402, QUOTA_ERROR));
        signedInAt("keys");

        ui.actionOf("k-works", "test").click();
        assertEquals("ok", verdict());
        WebElement dialog = ui.dialog();
        assertEquals("Test of k-works", dialog.findElement(By.cssSelector("h2")).getText());
        assertTrue(dialog.getText().contains("Works"), dialog.getText());
        assertTrue(dialog.getText().contains("KeyRelay would keep using the key as it is."), dialog.getText());
        String primary = endpoint("primary").getText();
        assertTrue(primary.contains("Primary endpoint") && primary.contains("200") && primary.contains(" ms"), primary);
        assertTrue(dialog.findElements(By.cssSelector(".key-test-endpoint[data-endpoint='failover']")).isEmpty(),
                "failover is off: only the primary endpoint is tested");
        closeDialog();

        ui.actionOf("k-moves", "test").click();
        assertEquals("ok", verdict());
        assertTrue(ui.dialog().getText().contains("KeyRelay would move the key to the failover endpoint."), ui.dialog().getText());
        assertTrue(ui.dialog().getText().contains("Decided by: Failover endpoint"), ui.dialog().getText());
        assertTrue(endpoint("primary").getText().contains("402"), endpoint("primary").getText());
        assertEquals("quota", endpoint("primary").findElement(By.cssSelector("[data-verdict]")).getAttribute("data-verdict"));
        assertEquals("Out of quota", endpoint("primary").findElement(By.cssSelector("[data-verdict]")).getText());
        assertTrue(endpoint("failover").getText().contains("200"));

        fixture.upstream.on(key(RelayFixture.apiKeyOf("k-moves")), 2, status(401,
                "{\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}"));
        ui.dialog().findElement(By.cssSelector("[data-action='test-again']")).click();
        ui.await(d -> "invalid_key".equals(verdict()));
        assertTrue(ui.dialog().getText().contains("Upstream said: invalid x-api-key"), ui.dialog().getText());
        assertTrue(ui.dialog().getText().contains("KeyRelay would replace the key with a backup key."));
        closeDialog();

        assertEquals("Healthy", ui.badge("k-moves").getText(), "a test changes nothing");
        assertEquals(KeyStatus.HEALTHY, fixture.services().keys().find("k-moves").orElseThrow().status());
        assertEquals(0, adminGet("/admin/ohmygpt/events?keyId=k-moves").getJsonArray("events").stream()
                .filter(e -> !"created_by_operator".equals(((io.vertx.core.json.JsonObject) e).getString("reason"))).count());
    }

    @Test
    void theAddDialogsTestTheTypedKeyBeforeSavingIt() {
        String rejected = "sk-typed-rejected-0123456789abcdef";
        fixture.upstream.always(key(rejected), status(401, "{\"error\":{\"message\":\"invalid x-api-key\"}}"));
        signedInAt("keys");

        ui.action("add-key").click();
        ui.dialog().findElement(By.cssSelector("[data-action='test-typed-key']")).click();
        ui.await(d -> ui.dialog().getText().contains("Fill in the required fields."));
        ui.field("apiKey").sendKeys(rejected);
        ui.dialog().findElement(By.cssSelector("[data-action='test-typed-key']")).click();
        assertEquals("invalid_key", verdict());
        assertTrue(ui.dialog().getText().contains("Key rejected"), ui.dialog().getText());
        assertTrue(ui.dialog().isDisplayed(), "the dialog stays open to fix the key");
        assertTrue(fixture.services().keys().findByApiKey(rejected).isEmpty(), "a test saves nothing");

        ui.field("apiKey").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, RelayFixture.apiKeyOf("k-typed"));
        ui.field("enableFailover").click();
        ui.dialog().findElement(By.cssSelector("[data-action='test-typed-key']")).click();
        ui.await(d -> "ok".equals(verdict()));
        assertEquals(2, ui.dialog().findElements(By.cssSelector(".key-test-endpoint")).size(), "failover ticked: both endpoints");
        ui.field("id").sendKeys("k-typed");
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        ui.successToast("Key k-typed added.");

        ui.go("backup-keys");
        ui.action("add-backup-key").click();
        ui.field("apiKey").sendKeys(rejected);
        ui.dialog().findElement(By.cssSelector("[data-action='test-typed-key']")).click();
        assertEquals("invalid_key", verdict());
        closeDialog();
    }

    @Test
    void backupKeysHaveATestButtonToo() {
        fixture.addBackup("b-spare", true);
        fixture.upstream.on(key(RelayFixture.apiKeyOf("b-spare")).and(side(Side.FAILOVER)), 1,
                status(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        signedInAt("backup-keys");
        ui.actionOf("b-spare", "test").click();
        assertEquals("ok", verdict(), "the primary endpoint decides; the failover one only informs");
        assertTrue(endpoint("failover").getText().contains("503"), endpoint("failover").getText());
        assertEquals("Upstream trouble", endpoint("failover").findElement(By.cssSelector("[data-verdict]")).getText());
        closeDialog();
        assertFalse(fixture.services().backupKeys().find("b-spare").orElseThrow().isUsed());
    }

    @Test
    void onNarrowScreensTheTestDialogReadsAsCards() {
        fixture.addKey("k-narrow", true);
        chromium.size(375, 812);
        signedInAt("keys");
        ui.actionOf("k-narrow", "test").click();
        assertEquals("ok", verdict());
        WebElement primary = endpoint("primary");
        WebElement failover = endpoint("failover");
        assertTrue(failover.getLocation().getY() > primary.getLocation().getY(), "one endpoint under the other");
        assertTrue(ui.dialog().getSize().getWidth() <= 375);
        closeDialog();
    }
}
