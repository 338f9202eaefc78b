package dev.elasticcache.samples.chat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/** The app in headless Chromium: one browser per test (its own profile folder), closed after it. */
abstract class BrowserTest extends AppTest {

    HeadlessChromium chromium;
    ChromeDriver browser;

    @BeforeEach
    void startBrowser(@TempDir Path profile) {
        chromium = HeadlessChromium.start(profile);
        browser = chromium.browser();
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** Saves what the page shows (for a person to look at). */
    void screenshot(String file) throws IOException {
        chromium.screenshot(file);
    }
}
