package io.keyrelay.admin.ui;

import static io.keyrelay.support.FakeUpstream.key;
import static io.keyrelay.support.FakeUpstream.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.support.FakeUpstream;
import io.keyrelay.support.FakeUpstream.Side;
import io.keyrelay.support.RelayFixture;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Seed item 22, the operator's manual test of failover, done by a browser against a real KeyRelay. */
class FailoverJourneyBrowserTest extends BrowserTestBase {
    private static final String ORANGE_BACKGROUND = "rgb(255, 237, 213)";

    @Test
    void keyTurnsOrangeOnFirst402AndIsReplacedByTheBackupOnTheSecond() {
        String k1Secret = RelayFixture.apiKeyOf("k1");
        signedInAt("keys");

        // an operator adds a failover-enabled key and a failover-enabled backup key through the UI
        ui.action("add-key").click();
        assertFalse(ui.field("enableFailover").isSelected(), "Enable Failover starts unchecked");
        ui.fillKeyDialog("k1", k1Secret, true);
        ui.successToast("Key k1 added.");
        assertEquals("true", ui.failoverSwitch("k1").getAttribute("aria-checked"));
        assertEquals("Enabled", ui.failoverSwitch("k1").getText());
        assertEquals("Healthy", ui.badge("k1").getText());

        ui.go("backup-keys");
        ui.action("add-backup-key").click();
        ui.fillKeyDialog("b1", RelayFixture.apiKeyOf("b1"), true);
        ui.successToast("Backup key b1 added.");
        assertEquals("Available", ui.badge("b1").getText());
        assertEquals("true", ui.failoverSwitch("b1").getAttribute("aria-checked"));
        assertEquals("1", ui.statValue("failover-enabled"));

        // first 402: the key moves to the failover endpoint, and the page shows it on its next refresh
        ui.go("keys");
        fixture.upstream.on(key(k1Secret).and(side(Side.PRIMARY)), 1, FakeUpstream.status(402, QUOTA_ERROR));
        assertEquals(200, proxyRequest(), "the client never notices");
        ui.await(d -> ui.badge("k1").getText().equals("Using failover"));
        WebElement badge = ui.badge("k1");
        assertTrue(badge.getAttribute("class").contains("badge-using_failover"));
        assertEquals(ORANGE_BACKGROUND, ui.cssValue(badge, "background-color"), "using_failover is orange");
        assertEquals("1", ui.statValue("using-failover"));
        assertEquals("0", ui.statValue("healthy"));

        // second 402, now on the failover endpoint: the backup key replaces k1
        fixture.upstream.on(key(k1Secret).and(side(Side.FAILOVER)), 1, FakeUpstream.status(402, QUOTA_ERROR));
        assertEquals(200, proxyRequest());
        ui.await(d -> !ui.isShown(ui.keyEntry("k1")));
        assertEquals("Healthy", ui.badge("b1").getText());
        assertTrue(ui.entry("b1").getText().contains("replaces k1"));
        assertEquals("true", ui.failoverSwitch("b1").getAttribute("aria-checked"), "failover setting inherited");

        ui.go("backup-keys");
        assertEquals("Used", ui.badge("b1").getText());
        WebElement usedRow = ui.entry("b1");
        assertEquals("k1", usedRow.findElement(By.cssSelector(".cell-used-for")).getText());
        assertEquals("0", ui.statValue("available"));
        assertEquals("1", ui.statValue("used"));
        assertTrue(ui.actionOf("b1", "restore").isDisplayed());

        // and the events page tells the story
        ui.go("events");
        String events = ui.visible(By.cssSelector("#main table")).getText();
        assertTrue(events.contains("Quota exceeded"), events);
        assertTrue(events.contains("Replaced by a backup key"), events);
        assertTrue(events.contains("402"), events);
        WebElement switched = ui.visible(By.xpath("//tr[td[.='k1'] and .//span[contains(@class,'badge-healthy')]"
                + " and .//span[contains(@class,'badge-using_failover')]]"));
        assertTrue(switched.getText().contains("Quota exceeded"), switched.getText());
    }

    @Test
    void resetReturnsAKeyToHealthyAndKeepsItsFailoverSetting() {
        fixture.addKey("k1", true);
        fixture.upstream.on(key(RelayFixture.apiKeyOf("k1")).and(side(Side.PRIMARY)), 1,
                FakeUpstream.status(402, QUOTA_ERROR));
        assertEquals(200, proxyRequest());
        signedInAt("keys");
        assertEquals("Using failover", ui.badge("k1").getText());

        ui.actionOf("k1", "reset").click();
        assertTrue(ui.dialog().getText().contains("Reset k1?"));
        ui.confirm();
        ui.successToast("Key k1 reset to healthy.");
        ui.await(d -> ui.badge("k1").getText().equals("Healthy"));
        assertEquals("true", ui.failoverSwitch("k1").getAttribute("aria-checked"));
        assertEquals("healthy", adminGet("/admin/ohmygpt/keys").getJsonArray("keys").getJsonObject(0).getString("status"));
    }

    @Test
    void deleteAsksFirstAndCancelKeepsTheKey() {
        fixture.addKey("k1", false);
        signedInAt("keys");

        ui.actionOf("k1", "delete").click();
        ui.dialog().findElement(By.xpath(".//button[.='Cancel']")).click();
        ui.await(d -> !ui.dialogOpen());
        assertTrue(ui.entry("k1").isDisplayed());

        ui.actionOf("k1", "delete").click();
        ui.confirm();
        ui.successToast("Key k1 deleted.");
        ui.await(d -> !ui.isShown(ui.keyEntry("k1")));
        assertEquals(0, adminGet("/admin/ohmygpt/stats").getInteger("totalKeys"));
    }
}
