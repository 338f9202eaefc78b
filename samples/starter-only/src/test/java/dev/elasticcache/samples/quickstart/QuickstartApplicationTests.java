package dev.elasticcache.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * An application whose only dependency is the starter: ChatClient.Builder is there, the tool loop runs a Java
 * method with the city from the question and the answer quotes its result, and a record comes back parsed.
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

    @Test
    void chatClientBuilderIsAutoConfiguredWithoutIntrospectionWarnings(CapturedOutput output) {
        assertThat(builder.build()).isNotNull();
        assertThat(output.getAll()).doesNotContain("Failed to introspect");
    }

    /** The knowledge tests need a shipped model trained on the tool and json families (see README, Results). */
    static boolean shippedModelKnows(String family) {
        return dev.elasticcache.engine.EmbeddedModel.families().contains(family);
    }

    @Test
    void theToolLoopCallsTheJavaMethodAndTheAnswerQuotesItsResult() {
        org.junit.jupiter.api.Assumptions.assumeTrue(shippedModelKnows("tool"),
                "the shipped model is not trained on the tool families yet");
        String answer = assistant.ask("What is the weather in Oslo?");
        assertThat(assistant.tools().cities()).containsExactly("Oslo");
        assertThat(answer).contains("12C and rainy");
    }

    @Test
    void entityReturnsTheRecordWithTheValuesCopied() {
        org.junit.jupiter.api.Assumptions.assumeTrue(shippedModelKnows("json"),
                "the shipped model is not trained on the json family yet");
        TravelAssistant.Booking b = assistant.booking(
                "Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7");
        assertThat(b).isEqualTo(new TravelAssistant.Booking("36291742", "PSK", "UJX", "70V", "V71", "W", 7));
    }
}
