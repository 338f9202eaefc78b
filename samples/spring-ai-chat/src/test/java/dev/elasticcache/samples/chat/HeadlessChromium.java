package dev.elasticcache.samples.chat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its {@code chromedriver} (never Selenium Manager, which would download
 * a browser): the tests are skipped, naming the packages, when they are not installed.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver browser;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver browser) {
        this.service = service;
        this.browser = browser;
    }

    /** Starts a browser with its own profile folder; skips the test when Chromium is missing. */
    static HeadlessChromium start(Path profile) {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless Chromium not installed: run `apt-get update && apt-get install -y chromium chromium-driver`"
                        + " (needs " + CHROMIUM + " and " + CHROMEDRIVER + ")");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(new File("target/chromedriver.log")).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1200,1000", "--user-data-dir=" + profile.toAbsolutePath());
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    ChromeDriver browser() {
        return browser;
    }

    /** Saves a screenshot under target/ (what the page looked like, for the README and for failures). */
    void screenshot(String file) throws IOException {
        Files.write(Path.of("target", file), browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    /** Waits for the page's first finished assistant turn. */
    static WebElement finishedTurn(WebDriverWait wait) {
        return wait.until(d -> {
            var done = d.findElements(By.cssSelector(".turn.assistant[data-done='true']"));
            return done.isEmpty() ? null : done.get(0);
        });
    }

    /** The answer text of {@code turn} as the page holds it (its textContent). */
    String answerOf(WebElement turn) {
        return (String) ((JavascriptExecutor) browser).executeScript("return arguments[0].querySelector('.answer').textContent", turn);
    }

    @Override
    public void close() {
        browser.quit();
        service.stop();
    }
}
