package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives the chat page in a real headless Chromium: type, send, watch the streamed answer and its statistics,
 * compare with the baseline. Uses Debian's {@code chromium} and {@code chromium-driver} (never Selenium
 * Manager, which would download a browser); skipped when they are not installed.
 */
class BrowserTests extends AppTest {

    private HeadlessChromium chromium;
    private ChromeDriver browser;

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

    @Test
    void pageStreamsTheAnswerWithStatisticsAndComparesWithTheBaseline() throws Exception {
        JsonNode reply = JsonMapper.builder().build().readTree(postJson("/api/chat",
                "{\"message\":\"" + PROMPT + "\",\"strategy\":\"elastic\",\"gamma\":0.8,\"maxTokens\":32}").body());
        String expected = reply.get("answer").asString();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));

        browser.get("http://localhost:" + port + "/");
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        assertThat(browser.findElement(By.id("model")).getText()).contains("parameters");
        assertThat(browser.findElement(By.id("intro")).getText()).isNotBlank();
        screenshot("page-chat.png");
        new Select(browser.findElement(By.id("strategy"))).selectByValue("elastic");
        WebElement gamma = browser.findElement(By.id("gamma"));
        gamma.clear();
        gamma.sendKeys("0.8");
        assertThat(browser.findElement(By.id("maxTokens")).getDomProperty("value")).isEqualTo("32");
        browser.findElement(By.id("message")).sendKeys(PROMPT);
        browser.findElement(By.id("send")).click();

        WebElement turn = HeadlessChromium.finishedTurn(wait);
        String answer = chromium.answerOf(turn);
        if (expected.isEmpty()) {
            // An empty answer shows why (the hint naming the model's families) instead of an empty bubble.
            assertThat(answer).isEqualTo(reply.has("hint") ? reply.get("hint").asString() : "(empty answer)");
            assertThat(turn.findElement(By.cssSelector(".answer")).getDomAttribute("class"))
                    .contains(reply.has("hint") ? "empty" : "answer");
        } else {
            assertThat(answer).isEqualTo(expected);
            assertThat(Integer.parseInt(turn.getDomAttribute("data-chunks"))).isPositive();
        }
        assertThat(turn.findElement(By.cssSelector(".stat-strategy b")).getText()).isEqualTo("elastic");
        assertThat(Integer.parseInt(turn.findElement(By.cssSelector(".stat-nfe b")).getText())).isBetween(1, 32);
        assertThat(Double.parseDouble(turn.findElement(By.cssSelector(".stat-tps b")).getText())).isNotNegative();
        assertThat(turn.findElement(By.cssSelector(".stat-recompute b")).getText()).matches("\\d+\\.\\d%");
        assertThat(turn.findElement(By.cssSelector(".answer")).getDomAttribute("class")).doesNotContain("streaming");

        turn.findElement(By.cssSelector("button.compare")).click();
        WebElement speedup = wait.until(d -> {
            var found = turn.findElements(By.cssSelector(".comparison .speedup"));
            return found.isEmpty() ? null : found.get(0);
        });
        assertThat(speedup.getText()).matches("\\d+\\.\\d\\d\u00d7|n/a");
        assertThat(turn.findElement(By.cssSelector(".comparison")).getText()).contains("against llada");
        assertThat(turn.findElement(By.cssSelector(".comparison .baseline-stats .stat-strategy b")).getText())
                .isEqualTo("llada");
    }

    @Test
    void pageShowsTheToolRunsOfAToolExampleAndTheRecordOfTheJsonExample() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        browser.get("http://localhost:" + port + "/");
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));

        // The weather example offers the tools; "required" makes any model call one.
        browser.findElement(By.id("example-weather")).click();
        assertThat(browser.findElement(By.id("message")).getDomProperty("value")).isEqualTo("What is the weather in Oslo?");
        assertThat(browser.findElement(By.id("tools")).isSelected()).isTrue();
        new Select(browser.findElement(By.id("toolChoice"))).selectByValue("required");
        browser.findElement(By.id("send")).click();
        WebElement turn = wait.until(d -> {
            var done = d.findElements(By.cssSelector(".turn.assistant[data-done='true']"));
            return done.isEmpty() ? null : done.get(0);
        });
        var runs = turn.findElements(By.cssSelector(".tools .tool-call"));
        assertThat(runs).isNotEmpty();
        assertThat(turn.getDomAttribute("data-tools")).isEqualTo(String.valueOf(runs.size()));
        for (WebElement run : runs) {
            String name = run.findElement(By.cssSelector(".tool-name")).getText();
            assertThat(name).isIn(TravelTools.NAMES).isEqualTo(run.getDomAttribute("data-name"));
            String args = run.findElement(By.cssSelector(".tool-args")).getText();
            assertThat(args).startsWith("({").endsWith("})");
            JsonMapper.builder().build().readTree(args.substring(1, args.length() - 1));
            assertThat(run.findElement(By.cssSelector(".tool-result")).getText()).isNotBlank();
        }
        assertThat(turn.findElement(By.cssSelector(".stat-nfe b")).getText()).matches("\\d+");

        // The JSON example switches to the booking endpoint and shows the parsed record.
        String expected = JsonMapper.builder().build().readTree(postJson("/api/booking",
                "{\"message\":\"Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7\",\"strategy\":\"elastic\","
                        + "\"gamma\":0.9,\"maxTokens\":32}").body()).get("json").asString();
        browser.findElement(By.id("example-json")).click();
        assertThat(new Select(browser.findElement(By.id("mode"))).getFirstSelectedOption().getDomAttribute("value"))
                .isEqualTo("booking");
        assertThat(browser.findElement(By.id("tools")).isEnabled()).isFalse();
        browser.findElement(By.id("send")).click();
        WebElement booking = wait.until(d -> {
            var done = d.findElements(By.cssSelector(".turn.assistant[data-done='true']"));
            return done.size() < 2 ? null : done.get(1);
        });
        assertThat(booking.findElements(By.cssSelector("table.booking td"))).extracting(e -> e.getDomAttribute("data-key"))
                .containsExactly("id", "from", "to", "seat", "gate", "class", "bag");
        assertThat(booking.findElement(By.cssSelector("pre.json")).getText()).isEqualTo(expected);
        screenshot("page-tools-and-json.png");
    }

    @Test
    void decodingViewRunsLladaAndElasticSideBySideWithTheLayerHeatMap() throws Exception {
        JsonNode info = JsonMapper.builder().build().readTree(get("/api/info").body());
        int layers = info.get("layers").asInt();
        JsonNode example = info.get("examples").valueStream()
                .filter(x -> x.get("mode").asString().equals("chat") && !x.get("tools").asBoolean())
                .findFirst().orElseThrow();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        browser.get("http://localhost:" + port + "/");
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));

        browser.findElement(By.id("tab-decode")).click();
        assertThat(browser.findElement(By.id("decode-view")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("chat-form")).isDisplayed()).isFalse();
        browser.findElement(By.id("decode-" + example.get("id").asString())).click();
        assertThat(browser.findElement(By.id("decode-prompt")).getDomProperty("value"))
                .isEqualTo(example.get("prompt").asString());
        WebElement length = browser.findElement(By.id("decode-length"));
        length.clear();
        length.sendKeys("64");
        assertThat(new Select(browser.findElement(By.id("decode-strategy"))).getFirstSelectedOption().getDomAttribute("value"))
                .isEqualTo("elastic");
        browser.findElement(By.id("decode-run")).click();
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-decoded"))
                || "error".equals(d.findElement(By.id("decode-baseline")).getDomAttribute("data-done"))
                || "error".equals(d.findElement(By.id("decode-candidate")).getDomAttribute("data-done")));

        WebElement baseline = browser.findElement(By.id("decode-baseline"));
        WebElement elastic = browser.findElement(By.id("decode-candidate"));
        assertThat(baseline.getDomAttribute("data-done")).as(baseline.getText()).isEqualTo("true");
        assertThat(elastic.getDomAttribute("data-done")).as(elastic.getText()).isEqualTo("true");
        assertThat(baseline.getDomAttribute("data-strategy")).isEqualTo("llada");
        assertThat(elastic.getDomAttribute("data-strategy")).isEqualTo("elastic");

        // The baseline: one position per step, every layer recomputed at every step, every cell decoded.
        int lladaSteps = Integer.parseInt(baseline.getDomAttribute("data-nfe"));
        assertThat(lladaSteps).isEqualTo(64);
        assertThat(baseline.findElements(By.cssSelector(".heat-row"))).hasSize(lladaSteps);
        assertThat(baseline.findElements(By.cssSelector(".heat-row .layer.cached"))).isEmpty();
        assertThat(baseline.findElements(By.cssSelector(".cell[data-state=decoded]"))).hasSize(64);

        // Elastic-Cache: every cell decoded up to the answer's end (cells after the first end token are never
        // needed and are shown so), one heat-map row per step (its NFE), one column per layer.
        var cells = elastic.findElements(By.cssSelector(".cell"));
        assertThat(cells).hasSize(64);
        assertThat(elastic.findElements(By.cssSelector(".cell[data-state=masked]"))).isEmpty();
        int firstUnneeded = -1;
        for (int i = 0; i < cells.size(); i++) {
            String state = cells.get(i).getDomAttribute("data-state");
            if (state.equals("unneeded") && firstUnneeded < 0) {
                firstUnneeded = i;
            }
            assertThat(state).isEqualTo(firstUnneeded < 0 ? "decoded" : "unneeded");
        }
        if (firstUnneeded >= 0) {
            assertThat(cells.get(firstUnneeded - 1).getText()).isIn("EOS", "EOT");
        }
        int nfe = Integer.parseInt(elastic.getDomAttribute("data-nfe"));
        assertThat(elastic.findElement(By.cssSelector(".p-nfe b")).getText()).isEqualTo(String.valueOf(nfe));
        var rows = elastic.findElements(By.cssSelector(".heat-row"));
        assertThat(rows).hasSize(nfe);
        for (WebElement row : rows) {
            assertThat(row.findElements(By.cssSelector(".layer"))).hasSize(layers);
        }
        assertThat(elastic.findElements(By.cssSelector(".heat-head span"))).hasSize(layers);
        long partial = rows.stream().filter(r -> Integer.parseInt(r.getDomAttribute("data-start-reset")) > 0).count();
        System.out.printf("decoding view: %s: llada %d steps, elastic %d steps, %d of them recomputed fewer than all %d"
                + " layers%n", example.get("prompt").asString(), lladaSteps, nfe, partial, layers);
        if (TestModels.embeddedModelPresent()) {
            // The shipped model's attention drifts little between steps: Elastic-Cache reuses layers.
            assertThat(partial).as("elastic steps that recomputed fewer than all layers").isPositive();
        }
        assertThat(nfe).isLessThan(lladaSteps);
        assertThat(browser.findElement(By.cssSelector("#decode-summary .speedup")).getText()).matches("\\d+\\.\\d\\d\u00d7|n/a");

        // A picture of the view for the README.
        long height = (Long) ((JavascriptExecutor) browser).executeScript(
                "return Math.ceil(document.documentElement.scrollHeight)");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, (int) Math.min(height + 140, 2400)));
        Path shots = Path.of("..", "..", "docs", "screenshots");
        Files.createDirectories(shots);
        Files.write(shots.resolve("decoding-view.png"), browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));

        // Replaying both runs step by step rebuilds the same views.
        browser.findElement(By.id("decode-replay")).click();
        wait.until(d -> d.findElement(By.id("decode-run")).isEnabled()
                && "true".equals(d.findElement(By.id("decode-candidate")).getDomAttribute("data-done"))
                && "true".equals(d.findElement(By.id("decode-baseline")).getDomAttribute("data-done")));
        assertThat(elastic.findElements(By.cssSelector(".heat-row"))).hasSize(nfe);
        assertThat(baseline.findElements(By.cssSelector(".heat-row"))).hasSize(lladaSteps);
        assertThat(elastic.findElements(By.cssSelector(".cell[data-state=masked]"))).isEmpty();
    }

    /** Saves what the page shows after the two structured examples (for a person to look at). */
    void screenshot(String file) throws IOException {
        chromium.screenshot(file);
    }
}
