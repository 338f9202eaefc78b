package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.tokenizer.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a new user meets first: the shipped task model asked something outside its families answers nothing at
 * once. The result says so (finish reason {@code EMPTY}) and why, with the families and an example to try.
 */
class EmptyAnswerTest {
    static ElasticCacheEngine engine;

    @BeforeAll
    static void load() {
        engine = ElasticCacheEngine.load(EngineConfig.builder().build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static GenerationResult ask(String text, Strategy strategy) {
        return engine.generate(GenerationRequest.builder().messages(List.of(ChatMessage.user(text)))
                .options(DecodingOptions.builder().strategy(strategy).genLength(64).blockLength(32).build()).build());
    }

    @ParameterizedTest
    @EnumSource(value = Strategy.class, names = {"LLADA", "ELASTIC"})
    void anOpenQuestionGetsAnEmptyAnswerThatSaysWhy(Strategy strategy) {
        GenerationResult r = ask("What is the capital of France?", strategy);
        assertThat(r.text()).isEmpty();
        assertThat(r.finishReason()).isEqualTo(FinishReason.EMPTY);
        ModelCard card = engine.modelInfo().card();
        assertThat(r.emptyAnswerHint()).hasValueSatisfying(hint -> {
            assertThat(hint).contains(String.join(", ", card.families()));
            card.examples().values().forEach(example -> assertThat(hint).contains(example));
        });
    }

    @ParameterizedTest
    @EnumSource(value = Strategy.class, names = {"LLADA", "ELASTIC"})
    void aPromptOfAKnownFamilyIsAnsweredWithoutHint(Strategy strategy) {
        String example = engine.modelInfo().card().examples().values().iterator().next();
        GenerationResult r = ask(example, strategy);
        assertThat(r.text()).isNotBlank();
        assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(r.emptyAnswerHint()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void theDeviceReadsAsPeopleWriteIt() {
        assertThat(engine.modelInfo().device()).isEqualTo("cpu");
    }
}
