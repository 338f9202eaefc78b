package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.testsupport.TravelValues;
import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.scope.ResultWithAgenticScope;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * langchain4j-agentic on the engine: typed agents built by {@code AgenticServices.agentBuilder} on our
 * {@code ChatModel}, chained by a sequence workflow through the agentic scope. The shipped model's families keep
 * the answers checkable: the nines' complement of the complement is the number itself, so the second agent only
 * gets it right when the first agent's output reached it intact.
 */
@EnabledIf("dev.elasticcache.langchain4j.EmbeddedModelChatTest#embeddedModelPresent")
class AgenticWorkflowTest {

    public interface Complementer {
        @UserMessage("Nines' complement of this number: {{number}}")
        @Agent(description = "Writes the nines' complement of a number", outputKey = "complement")
        String complement(@V("number") String number);
    }

    public interface Restorer {
        @UserMessage("Nines' complement of this number: {{complement}}")
        @Agent(description = "Takes the complement back to the original number", outputKey = "restored")
        String restore(@V("complement") String complement);
    }

    public interface Uppercaser {
        @UserMessage("Uppercase these words: {{words}}")
        @Agent(description = "Upper-cases words", outputKey = "upper")
        String uppercase(@V("words") String words);
    }

    static ElasticCacheChatModel model;

    @BeforeAll
    static void load() {
        model = ElasticCacheChatModel.builder()
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(64).temperature(0.0).build())
                .build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static String ninesComplement(String number) {
        StringBuilder s = new StringBuilder();
        for (char c : number.toCharArray()) {
            s.append((char) ('9' - c + '0'));
        }
        return s.toString();
    }

    @Test
    void aTypedAgentAnswersOnTheEngine() {
        Uppercaser agent = AgenticServices.agentBuilder(Uppercaser.class).chatModel(model).build();
        assertThat(agent.uppercase("robot flame heart queen lemon mango water radio noble house"))
                .isEqualTo("ROBOT FLAME HEART QUEEN LEMON MANGO WATER RADIO NOBLE HOUSE");
    }

    @Test
    void aSequenceWorkflowPassesEachAgentsOutputToTheNext() {
        Complementer first = AgenticServices.agentBuilder(Complementer.class).chatModel(model).build();
        Restorer second = AgenticServices.agentBuilder(Restorer.class).chatModel(model).build();
        UntypedAgent workflow = AgenticServices.sequenceBuilder()
                .subAgents(first, second)
                .outputKey("restored")
                .build();
        TravelValues values = new TravelValues(5);
        for (int i = 0; i < 3; i++) {
            // The family's numbers have 59 digits (the width the shipped model was trained on).
            String number = values.digits(59);
            ResultWithAgenticScope<String> run = workflow.invokeWithAgenticScope(Map.of("number", number));
            assertThat(run.agenticScope().readState("complement")).isEqualTo(ninesComplement(number));
            assertThat(run.result()).isEqualTo(number);
        }
    }
}
