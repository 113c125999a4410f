package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.ApiKeyInventory;
import io.keyrelay.keys.KeyImport;
import io.keyrelay.keys.KeyState;
import io.keyrelay.keys.KeyStatus;
import io.keyrelay.support.RelayFixture;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The key lists with thousands of keys: one page of rows from the server, search, status filter and paging that
 * survive the auto-refresh, and the pool-key import, on wide and narrow screens.
 */
class KeyListBrowserTest extends BrowserTestBase {
    /** Rows and cards of keys in the page, shown or not. */
    private static final String ENTRIES = "return document.querySelectorAll('#main tr[data-key-id], #main article[data-key-id]').length";

    /**
     * Resolves, at the first animation frame that shows 50 key rows, with the milliseconds since the page's navigation
     * started and the duration of its key-list request.
     */
    private static final String RENDERED = "const done = arguments[arguments.length - 1];"
            + "const check = () => {"
            + "  if (document.querySelectorAll('#main tr[data-key-id]').length >= 50) {"
            + "    const list = performance.getEntriesByType('resource').find((e) => e.name.includes('/admin/ohmygpt/keys?'));"
            + "    done([performance.now(), list ? list.duration : -1]);"
            + "  } else {"
            + "    requestAnimationFrame(check);"
            + "  }"
            + "};"
            + "check();";

    /** {@code n} keys key-0000 … added at once, created together, so they list in id order. */
    private void seed(int n) {
        var services = fixture.services();
        List<KeyImport.Candidate> keys = IntStream.range(0, n).mapToObj(i -> String.format("key-%04d", i))
                .map(id -> new KeyImport.Candidate(0, id, id, RelayFixture.apiKeyOf(id), false)).toList();
        var report = services.administration().importAll(keys, ApiKeyInventory.load(services.keys(), services.backupKeys()));
        assertEquals(n, report.addedIds().size());
    }

    private List<String> shownIds() {
        return ui.allVisible(By.cssSelector("#main tr[data-key-id], #main article[data-key-id]")).stream()
                .map(e -> e.getAttribute("data-key-id")).toList();
    }

    private String pager() {
        return ui.visible(By.cssSelector("#main .pager-range")).getText();
    }

    private WebElement search() {
        return ui.visible(By.cssSelector("#main input[name='search']"));
    }

    private void awaitPager(String text) {
        ui.await(d -> pager().equals(text));
    }

    /** Waits for the next auto-refresh: the "updated at" line names a later second. */
    private void awaitRefresh() {
        String before = ui.visible(By.cssSelector("#main .page-status")).getText();
        ui.await(d -> !ui.visible(By.cssSelector("#main .page-status")).getText().equals(before));
    }

    @Test
    void twoThousandKeysShowFiftyAtATimeAndTheRefreshKeepsThePage() {
        seed(2_000);
        signedInAt("keys");
        awaitPager("1–50 of 2,000");
        for (int load = 1; load <= 3; load++) { // measured, not asserted: docs/admin-ui.md records it
            chromium.driver.navigate().refresh();
            List<?> times = (List<?>) chromium.driver.executeAsyncScript(RENDERED);
            System.out.printf("keys page, 2,000 keys, load %d: 50 rows rendered %.0f ms after navigation start; "
                    + "the page's list request took %.0f ms%n", load, ((Number) times.get(0)).doubleValue(),
                    ((Number) times.get(1)).doubleValue());
        }

        assertEquals("2,000", ui.statValue("total"));
        assertEquals(100L, ui.script(ENTRIES), "50 table rows and 50 cards, not 2,000 of each");
        assertEquals("1–50 of 2,000", pager());
        assertEquals("key-0000", shownIds().get(0));
        assertFalse(ui.action("previous-page").isEnabled());

        ui.action("next-page").click();
        awaitPager("51–100 of 2,000");
        assertEquals("key-0050", shownIds().get(0));
        assertEquals(100L, ui.script(ENTRIES));
        assertTrue(ui.action("previous-page").isEnabled());

        ui.script("document.querySelector('#main table').dataset.probe = 'kept'");
        awaitRefresh();
        assertEquals("51–100 of 2,000", pager(), "the refresh keeps the page");
        assertEquals("kept", ui.script("return document.querySelector('#main table').dataset.probe"),
                "nothing changed, so nothing was rebuilt");

        fixture.services().lifecycle().markRateLimited(fixture.services().pool().get("key-0051").orElseThrow(),
                java.time.Duration.ofMinutes(2), 429);
        fixture.awaitStateWrites();
        ui.await(d -> ui.badge("key-0051").getText().equals("Rate limited"));
        assertEquals("51–100 of 2,000", pager(), "a refresh that shows a change stays on the page too");
        assertEquals("1", ui.statValue("rate-limited"));
    }

    @Test
    void searchAndStatusFilterAskTheServerAndSurviveTheRefresh() {
        seed(60);
        var keys = fixture.services().keys();
        Instant now = Instant.now();
        for (String id : List.of("key-0012", "key-0047")) {
            keys.compareAndSetState(id, KeyStatus.HEALTHY,
                    new KeyState(KeyStatus.RATE_LIMITED, now.plusSeconds(600), KeyStatus.HEALTHY, "429"), now);
        }
        signedInAt("keys");
        awaitPager("1–50 of 60");

        search().sendKeys("KEY-001");
        awaitPager("1–10 of 10");
        assertEquals(IntStream.range(10, 20).mapToObj(i -> String.format("key-%04d", i)).toList(), shownIds());
        assertEquals("60", ui.statValue("total"), "the stats stay those of the whole pool");

        new Select(ui.visible(By.cssSelector("#main select[name='status']"))).selectByValue("rate_limited");
        awaitPager("1–1 of 1");
        assertEquals(List.of("key-0012"), shownIds());

        search().click();
        keys.compareAndSetState("key-0012", KeyStatus.RATE_LIMITED,
                new KeyState(KeyStatus.RATE_LIMITED, now.plusSeconds(900), KeyStatus.HEALTHY, "429 again"), Instant.now());
        ui.await(d -> ui.entry("key-0012").getText().contains("429 again")); // re-rendered by the auto-refresh
        assertEquals(List.of("key-0012"), shownIds(), "the refresh keeps the search and the filter");
        assertEquals("KEY-001", search().getAttribute("value"));
        assertEquals("search", chromium.driver.switchTo().activeElement().getAttribute("name"), "and the focus");
        chromium.driver.switchTo().activeElement().sendKeys("2");
        awaitPager("1–1 of 1");
        assertEquals("KEY-0012", search().getAttribute("value"), "typing goes on where it was");

        new Select(ui.visible(By.cssSelector("#main select[name='status']"))).selectByValue("");
        search().sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        search().sendKeys("0123456789abcdef");
        ui.await(d -> ui.isShown(By.cssSelector("#main .empty")));
        assertEquals("No keys match this search or filter.", ui.visible(By.cssSelector("#main .empty")).getText(),
                "the hidden part of a key is not searched");

        search().sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "CDEF", Keys.ENTER);
        awaitPager("1–50 of 60");
    }

    @Test
    void poolKeyImportAddsKeysAndReportsSkippedOnes() {
        fixture.addKey("k-existing", false);
        fixture.addBackup("b-spare", false);
        signedInAt("keys");

        ui.action("import").click();
        assertEquals("Import keys", ui.dialog().findElement(By.cssSelector("h2")).getText());
        ui.dialog().findElement(By.cssSelector("textarea")).sendKeys(String.join("\n",
                "# two new keys, one already in the pool, one already a backup key",
                "k-new," + RelayFixture.apiKeyOf("k-new"),
                RelayFixture.apiKeyOf("anonymous"),
                "k-existing," + RelayFixture.apiKeyOf("other"),
                "k-copy," + RelayFixture.apiKeyOf("b-spare")));
        ui.field("enableFailover").click();
        ui.dialog().findElement(By.cssSelector("button[type='submit']")).click();
        assertEquals("2 added, 2 skipped.", ui.visible(By.cssSelector("[role='dialog'] .import-summary")).getText());
        String skipped = ui.dialog().findElement(By.cssSelector(".import-skipped")).getText();
        assertTrue(skipped.contains("a key with id 'k-existing' already exists"), skipped);
        assertTrue(skipped.contains("this API key is already in the backup pool as 'b-spare'"), skipped);
        chromium.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        ui.await(d -> !ui.dialogOpen());

        ui.await(d -> ui.statValue("total").equals("3"));
        assertEquals("true", ui.failoverSwitch("k-new").getAttribute("aria-checked"));
        assertTrue(fixture.services().pool().get("k-new").isPresent(), "serving at once");
    }

    @Test
    void backupKeysPageSearchesFiltersAndPagesToo() {
        for (int i = 0; i < 55; i++) {
            fixture.addBackup(String.format("spare-%02d", i), false);
        }
        fixture.services().backupKeys().claimFor("k-gone", Instant.now());
        signedInAt("backup-keys");
        awaitPager("1–50 of 55");
        assertEquals(100L, ui.script(ENTRIES));
        ui.action("next-page").click();
        awaitPager("51–55 of 55");

        new Select(ui.visible(By.cssSelector("#main select[name='status']"))).selectByValue("used");
        awaitPager("1–1 of 1");
        assertEquals(List.of("spare-00"), shownIds(), "the oldest unused key was claimed");
        assertEquals("Used", ui.badge("spare-00").getText());

        new Select(ui.visible(By.cssSelector("#main select[name='status']"))).selectByValue("available");
        search().sendKeys("spare-5");
        awaitPager("1–5 of 5");
        assertEquals("55", ui.statValue("total"));
    }

    @Test
    void narrowScreensSearchAndPageWithCards() {
        seed(120);
        chromium.size(375, 812);
        signedInAt("keys");
        awaitPager("1–50 of 120");
        assertFalse(ui.isShown(By.cssSelector("#main table")), "cards, not a table, under 768 px");
        assertEquals(50, ui.allVisible(By.cssSelector("#main article[data-key-id]")).size());
        assertTrue(search().getSize().getWidth() > 300, "the search box takes the width");
        assertTrue(ui.actionOf("key-0000", "test").isDisplayed(), "each card has its Test button");

        ui.action("next-page").click();
        awaitPager("51–100 of 120");
        search().sendKeys("key-011");
        awaitPager("1–10 of 10");
        assertEquals("key-0110", shownIds().get(0));
        Object overflow = ui.script("return document.documentElement.scrollWidth > document.documentElement.clientWidth");
        assertEquals(false, overflow, "nothing wider than the screen");
    }
}
