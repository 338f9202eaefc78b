package dev.elasticcache.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * An application whose only dependency is the starter and whose only setting is the embedded tool model: the
 * ChatClient.Builder is there, Spring AI's tool loop runs a Java method with the city from the question and the
 * answer quotes its result, and a record comes back with the values copied, with and without native structured
 * output. Cities and records are drawn at random here: values the model never saw as such.
 */
@SpringBootTest(properties = "spring.main.banner-mode=off")
@ExtendWith(OutputCaptureExtension.class)
class QuickstartApplicationTests {

    static {
        System.setProperty("quickstart.skip", "true");
    }

    @Autowired
    ChatClient.Builder builder;

    @Autowired
    TravelAssistant assistant;

    @Autowired
    ElasticCacheEngine engine;

    @Test
    void chatClientBuilderIsAutoConfiguredWithoutIntrospectionWarnings(CapturedOutput output) {
        assertThat(builder.build()).isNotNull();
        assertThat(output.getAll()).doesNotContain("Failed to introspect");
        assertThat(engine.modelInfo().name()).isEqualTo(EmbeddedModel.TOOLS_NAME);
    }

    /** The README's Spring AI example gives the answers the README shows. */
    @Test
    void theReadmeExampleAnswersAsShown() {
        assertThat(assistant.ask("What is the weather in Oslo?")).isEqualTo("The weather is 12C and rainy.");
        assertThat(assistant.bookingFromInstructions(
                "Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7"))
                .isEqualTo(new TravelAssistant.Booking("36291742", "PSK", "UJX", "70V", "V71", "W", 7));
    }

    @Test
    void theToolLoopCallsTheJavaMethodAndTheAnswerQuotesItsResult() {
        Random random = new Random(42);
        for (int i = 0; i < 3; i++) {
            String city = city(random);
            int before = assistant.tools().cities().size();
            String answer = assistant.ask("What is the weather in " + city + "?");
            assertThat(assistant.tools().cities().subList(before, assistant.tools().cities().size())).containsExactly(city);
            assertThat(answer).contains("12C and rainy");
        }
    }

    @Test
    void entityReturnsTheRecordWithTheValuesCopiedWithAndWithoutNativeStructuredOutput() {
        Random random = new Random(7);
        for (int i = 0; i < 4; i++) {
            TravelAssistant.Booking expected = booking(random);
            String record = "Record to JSON: id:" + expected.id() + " from:" + expected.from() + " to:" + expected.to()
                    + " seat:" + expected.seat() + " gate:" + expected.gate() + " class:" + expected.travelClass()
                    + " bag:" + expected.bag();
            TravelAssistant.Booking b = i % 2 == 0 ? assistant.booking(record) : assistant.bookingFromInstructions(record);
            assertThat(b).as(record).isEqualTo(expected);
        }
    }

    static TravelAssistant.Booking booking(Random random) {
        return new TravelAssistant.Booking(digits(random, 8), letters(random, 3), letters(random, 3),
                digits(random, 2) + letters(random, 1), letters(random, 1) + digits(random, 2),
                String.valueOf("YJFW".charAt(random.nextInt(4))), random.nextInt(10));
    }

    static String city(Random random) {
        StringBuilder s = new StringBuilder(letters(random, 1));
        for (int i = 0, n = 3 + random.nextInt(8); i < n - 1; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    static String letters(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('A' + random.nextInt(26)));
        }
        return s.toString();
    }

    static String digits(Random random, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }
}
