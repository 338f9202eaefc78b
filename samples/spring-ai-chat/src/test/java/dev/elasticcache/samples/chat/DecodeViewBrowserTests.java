package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The decoding view ("Watch it decode") on the text model {@code tiny-llada}: its examples are plain-text tasks,
 * which the view shows decoding step by step (the app's own tool model answers tool calls and records, decoded by
 * infilling).
 */
@TestPropertySource(properties = "spring.ai.elastic-cache.embedded-model=tiny-llada")
class DecodeViewBrowserTests extends BrowserTest {

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

}
