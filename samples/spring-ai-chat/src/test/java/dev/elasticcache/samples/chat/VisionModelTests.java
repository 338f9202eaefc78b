package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample's {@code vision} profile, as a user runs it: the embedded tiny-llada-v reads the held-out images under
 * {@code src/test/resources/reading} (named by the text they show) through {@code /api/chat} and through the page,
 * an image uploaded in a real headless Chromium.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("vision")
class VisionModelTests {
    private static final Path IMAGES = Path.of("src", "test", "resources", "reading");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUESTION = "What does the image say?";

    @LocalServerPort
    int port;

    static List<Path> images() throws Exception {
        try (var files = Files.list(IMAGES)) {
            return files.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
    }

    static String expected(Path image) {
        String name = image.getFileName().toString();
        return name.substring(0, name.length() - ".png".length());
    }

    static String dataUrl(Path image) throws Exception {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(image));
    }

    @Test
    void theChatApiReadsTheImages() throws Exception {
        JsonNode info = JSON.readTree(LocalHttp.get(port, "/api/info").body());
        assertThat(info.get("images").asBoolean()).isTrue();
        assertThat(info.toString()).contains("tiny-llada-v");
        List<Path> images = images();
        assertThat(images).hasSizeGreaterThanOrEqualTo(10);
        int correct = 0;
        StringBuilder misses = new StringBuilder();
        for (Path image : images) {
            HttpResponse<String> r = LocalHttp.postJson(port, "/api/chat",
                    "{\"message\":\"" + QUESTION + "\",\"images\":[\"" + dataUrl(image) + "\"]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String answer = JSON.readTree(r.body()).get("answer").asString().strip();
            if (answer.equals(expected(image))) {
                correct++;
            } else {
                misses.append(expected(image)).append(" -> ").append(answer).append("; ");
            }
        }
        assertThat(correct).as(misses.toString()).isGreaterThanOrEqualTo(images.size() * 9 / 10);
    }

    @Test
    void thePageAnswersAboutAnUploadedImage(@TempDir Path profile) throws Exception {
        Path image = images().get(0);
        try (HeadlessChromium chromium = HeadlessChromium.start(profile)) {
            ChromeDriver browser = chromium.browser();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
            browser.get("http://localhost:" + port + "/");
            wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
            assertThat(browser.findElement(By.id("image-label")).isDisplayed()).isTrue();
            browser.findElement(By.id("image")).sendKeys(image.toAbsolutePath().toString());
            // the page reads the file into a data: URL asynchronously and marks the input when it has
            wait.until(d -> "true".equals(d.findElement(By.id("image")).getDomAttribute("data-loaded")));
            browser.findElement(By.id("message")).sendKeys(QUESTION);
            browser.findElement(By.id("send")).click();
            WebElement turn = HeadlessChromium.finishedTurn(wait);
            String answer = chromium.answerOf(turn);
            chromium.screenshot("page-vision.png");
            assertThat(answer.strip()).isEqualTo(expected(image));
        }
    }
}
