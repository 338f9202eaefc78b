package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives the chat page in a real headless Chromium: type, send, watch the streamed answer and its statistics,
 * compare with the baseline. Uses Debian's {@code chromium} and {@code chromium-driver} (never Selenium
 * Manager, which would download a browser); skipped when they are not installed.
 */
class BrowserTests extends BrowserTest {

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

        if (TestModels.embeddedModelPresent()) {
            // The tool model has no plain-text task: the decoding view says so and how to get one.
            assertThat(browser.findElement(By.cssSelector("#decode-examples .no-examples")).getDomProperty("textContent"))
                    .contains("embedded-model=tiny-llada");
        }

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
        browser.findElement(By.id("example-booking")).click();
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

}
