package io.keyrelay.admin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keyrelay.keys.EventReason;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The events page shows one key's state changes when its id is typed, on wide and narrow screens. */
class EventsFilterBrowserTest extends BrowserTestBase {

    @Test
    void theEventsPageFiltersByKey() {
        fixture.addKey("k-one", true);
        fixture.addKey("k-two", false);
        var services = fixture.services();
        services.lifecycle().markUsingFailover(services.pool().get("k-one").orElseThrow(), EventReason.QUOTA_EXCEEDED, 402);
        fixture.awaitStateWrites();
        signedInAt("events");
        ui.await(d -> ui.allVisible(By.cssSelector("#main tbody tr")).size() == 3);

        WebElement filter = ui.visible(By.cssSelector("#main input[name='keyId']"));
        assertEquals("Show the events of one key", ui.visible(By.cssSelector("label[for='" + filter.getAttribute("id") + "']")).getText());
        filter.sendKeys("k-one");
        ui.await(d -> ui.allVisible(By.cssSelector("#main tbody tr")).size() == 2);
        List<String> keys = ui.allVisible(By.cssSelector("#main tbody td.cell-id")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("k-one", "k-one"), keys);
        assertTrue(ui.visible(By.cssSelector("#main table")).getText().contains("Quota exceeded"));

        filter.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "k-none", Keys.ENTER);
        ui.await(d -> ui.isShown(By.cssSelector("#main .empty")));
        assertEquals("No state changes recorded for k-none.", ui.visible(By.cssSelector("#main .empty")).getText());

        chromium.size(375, 812);
        filter = ui.visible(By.cssSelector("#main input[name='keyId']"));
        filter.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "k-two");
        ui.await(d -> ui.allVisible(By.cssSelector("#main article.card")).size() == 1);
        assertTrue(ui.visible(By.cssSelector("#main article.card")).getText().contains("k-two"));
    }
}
