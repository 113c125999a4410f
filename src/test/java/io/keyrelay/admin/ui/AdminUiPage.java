package io.keyrelay.admin.ui;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin UI as the browser tests see it: what an operator reads and clicks, found by roles, data attributes and
 * visible text. Only visible elements count, since the table (wide screens) and the cards (narrow) are both in
 * the page.
 */
final class AdminUiPage {
    /** Longer than the UI's 5 s auto-refresh, so a test can wait for the page to notice a change on its own. */
    static final Duration PATIENCE = Duration.ofSeconds(15);

    private final WebDriver driver;
    private final String baseUrl;

    AdminUiPage(WebDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    void open(String page) {
        driver.get(baseUrl + AdminUi.PATH + "#/" + page);
    }

    /** Follows the navigation bar, as a user would. */
    void go(String page) {
        visible(By.cssSelector("#nav a[data-page='" + page + "']")).click();
        await(d -> page.equals(d.findElement(By.id("main")).getAttribute("data-page"))
                && d.findElements(By.cssSelector("#main .loading")).isEmpty());
    }

    void signIn(String token) {
        WebElement input = visible(By.cssSelector("input[name='token']"));
        input.clear();
        input.sendKeys(token);
        visible(By.cssSelector(".sign-in-card button[type='submit']")).click();
    }

    void signInAndWait(String token) {
        signIn(token);
        await(d -> d.findElement(By.id("nav")).isDisplayed());
    }

    <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, PATIENCE)
                .ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    WebElement visible(By by) {
        return await(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    List<WebElement> allVisible(By by) {
        return driver.findElements(by).stream().filter(WebElement::isDisplayed).toList();
    }

    boolean isShown(By by) {
        return !allVisible(by).isEmpty();
    }

    /** The row (desktop) or card (mobile) of a key. */
    By keyEntry(String id) {
        return By.cssSelector("tr[data-key-id='" + id + "'], article[data-key-id='" + id + "']");
    }

    WebElement entry(String id) {
        return visible(keyEntry(id));
    }

    WebElement badge(String id) {
        return entry(id).findElement(By.cssSelector(".badge"));
    }

    WebElement failoverSwitch(String id) {
        return entry(id).findElement(By.cssSelector("[role='switch']"));
    }

    String statValue(String stat) {
        return visible(By.cssSelector("[data-stat='" + stat + "'] .stat-value")).getText();
    }

    String statLabel(String stat) {
        return visible(By.cssSelector("[data-stat='" + stat + "'] .stat-label")).getText();
    }

    WebElement action(String name) {
        return visible(By.cssSelector("[data-action='" + name + "']"));
    }

    WebElement actionOf(String id, String name) {
        return entry(id).findElement(By.cssSelector("[data-action='" + name + "']"));
    }

    WebElement dialog() {
        return visible(By.cssSelector("[role='dialog']"));
    }

    boolean dialogOpen() {
        return !driver.findElements(By.cssSelector("[role='dialog']")).isEmpty();
    }

    WebElement field(String name) {
        return dialog().findElement(By.name(name));
    }

    /** Fills and sends the add-key (or add-backup-key) dialog that is open. */
    void fillKeyDialog(String id, String apiKey, boolean enableFailover) {
        field("id").sendKeys(id);
        field("apiKey").sendKeys(apiKey);
        WebElement failover = field("enableFailover");
        if (failover.isSelected() != enableFailover) {
            failover.click();
        }
        dialog().findElement(By.cssSelector("button[type='submit']")).click();
        await(d -> !dialogOpen());
    }

    void confirm() {
        dialog().findElement(By.cssSelector("[data-action='confirm']")).click();
        await(d -> !dialogOpen());
    }

    /** Waits for a success toast with this text. */
    WebElement successToast(String text) {
        return await(d -> d.findElements(By.cssSelector(".toast-success")).stream()
                .filter(t -> t.getText().contains(text)).findFirst().orElse(null));
    }

    void language(String code) {
        new Select(visible(By.id("language"))).selectByValue(code);
    }

    String cssValue(WebElement element, String property) {
        return (String) ((JavascriptExecutor) driver)
                .executeScript("return getComputedStyle(arguments[0]).getPropertyValue(arguments[1])", element, property);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }
}
