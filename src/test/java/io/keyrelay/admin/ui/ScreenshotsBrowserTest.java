package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.app.Services;
import io.keyrelay.keys.BackupKey;
import io.keyrelay.keys.EventReason;
import io.keyrelay.support.Eventually;
import io.keyrelay.support.FakeUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The screenshots in the README and docs/admin-ui.md, taken from a pool in every state, and a key test. They go to {@code target/screenshots}; run with
 * {@code -Dkeyrelay.screenshots=docs/images} to refresh the README's copies.
 */
class ScreenshotsBrowserTest extends BrowserTestBase {
    private static final Path OUT = Path.of(System.getProperty("keyrelay.screenshots", "target/screenshots"));

    @Test
    void desktopMobileAndVietnamese() throws IOException {
        seedPool();
        chromium.size(1400, 1040);
        signedInAt("keys");
        ui.failoverSwitch("ohmygpt-05").click();
        ui.successToast("Failover enabled for ohmygpt-05.");
        ui.await(d -> ui.failoverSwitch("ohmygpt-05").getAttribute("aria-checked").equals("true"));
        shoot("admin-keys-desktop.png");

        dismissToasts();
        fixture.upstream.on(FakeUpstream.key(secretFor("ohmygpt-01")).and(FakeUpstream.side(FakeUpstream.Side.PRIMARY)), 1,
                FakeUpstream.status(402, QUOTA_ERROR));
        ui.actionOf("ohmygpt-01", "test").click();
        ui.await(d -> !d.findElements(By.cssSelector("[role='dialog'] .key-test[data-verdict]")).isEmpty());
        shoot("admin-key-test.png");
        ui.dialog().findElement(By.cssSelector(".modal-close")).click();
        ui.await(d -> !ui.dialogOpen());

        ui.go("backup-keys");
        shoot("admin-backup-keys-desktop.png");

        ui.go("keys");
        ui.language("vi");
        ui.await(d -> ui.visible(By.cssSelector("#main h1")).getText().equals("Khóa"));
        shoot("admin-keys-vietnamese.png");

        ui.language("en");
        chromium.size(375, 1400);
        chromium.driver.navigate().refresh();
        ui.await(d -> ui.entry("ohmygpt-02").findElement(By.cssSelector(".failover-indicator")).isDisplayed());
        shoot("admin-keys-mobile.png");
    }

    /** Keys that served traffic, one on the failover endpoint, one cooling down, one exhausted, one replaced. */
    private void seedPool() {
        Services s = fixture.services();
        addKey("ohmygpt-01", true);
        addKey("ohmygpt-02", true);
        addKey("ohmygpt-03", false);
        addKey("ohmygpt-04", false);
        s.lifecycle().rotate(s.pool().get("ohmygpt-04").orElseThrow(), EventReason.QUOTA_EXCEEDED, 402);
        fixture.awaitStateWrites(); // no backup key yet: exhausted
        addKey("ohmygpt-05", false);
        addKey("ohmygpt-06", true);
        for (int i = 0; i < 23; i++) {
            assertEquals(200, proxyRequest());
        }
        s.lifecycle().markUsingFailover(s.pool().get("ohmygpt-02").orElseThrow(), EventReason.QUOTA_EXCEEDED, 402);
        s.lifecycle().markRateLimited(s.pool().get("ohmygpt-03").orElseThrow(), Duration.ofMinutes(2), 429);
        addBackup("spare-01", false);
        s.lifecycle().rotate(s.pool().get("ohmygpt-06").orElseThrow(), EventReason.QUOTA_EXCEEDED, 402);
        fixture.awaitStateWrites();
        addBackup("spare-02", true);
        addBackup("spare-03", false);
        addBackup("spare-04", true);
        // three spare keys are enough: the alert raised by ohmygpt-04 clears now, so no banner is in the pictures
        s.operations().checkBackupsSoon();
        Eventually.waitUntil(() -> s.operations().alerts().active().isEmpty(), "no alert");
    }

    private void addKey(String id, boolean enableFailover) {
        fixture.services().administration().add(id, secretFor(id), enableFailover);
    }

    private void addBackup(String id, boolean enableFailover) {
        fixture.services().backupKeys().insert(BackupKey.fresh(id, secretFor(id), enableFailover, Instant.now()));
    }

    /** A different, realistic-looking API key per id, so the masked keys in the pictures differ. */
    private static String secretFor(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "sk-" + HexFormat.of().formatHex(digest).substring(0, 48);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void dismissToasts() {
        ui.allVisible(By.cssSelector(".toast-close")).forEach(WebElement::click);
    }

    private void shoot(String name) throws IOException {
        ui.script("document.activeElement && document.activeElement.blur()");
        Path file = OUT.resolve(name);
        chromium.screenshot(file);
        byte[] png = Files.readAllBytes(file);
        assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', name + " is a PNG");
    }
}
