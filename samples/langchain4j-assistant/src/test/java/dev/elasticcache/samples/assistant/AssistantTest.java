package dev.elasticcache.samples.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.langchain4j.ElasticCacheChatModel;
import dev.elasticcache.langchain4j.ElasticCacheChatRequestParameters;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The assistant on the embedded model (or, when the core jar does not ship it yet, a random LLaDA checkpoint):
 * chat memory carries earlier turns into later prompts, and the command line prints answers with statistics.
 */
class AssistantTest {

    private static final Path RANDOM = Path.of("target", "test-models", "random-tiny-llada").toAbsolutePath();
    private static final List<List<ChatMessage>> requests = new CopyOnWriteArrayList<>();
    private static ElasticCacheChatModel model;

    @BeforeAll
    static void loadModel() {
        ElasticCacheChatModel.Builder builder = ElasticCacheChatModel.builder()
                .defaultRequestParameters(ElasticCacheChatRequestParameters.builder().strategy("elastic")
                        .maxOutputTokens(16).build())
                .listeners(new ChatModelListener() {
                    @Override
                    public void onRequest(ChatModelRequestContext context) {
                        requests.add(List.copyOf(context.chatRequest().messages()));
                    }
                });
        if (AssistantTest.class.getClassLoader().getResource(EmbeddedModel.RESOURCE_FOLDER + "config.json") == null) {
            if (!Files.isRegularFile(RANDOM.resolve("config.json"))) {
                RandomCheckpoint.write(RANDOM, RandomCheckpoint.tinyConfig().build(), 5, DType.F32, 1);
            }
            builder.modelDir(RANDOM);
        }
        model = builder.build();
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @BeforeEach
    void clear() {
        requests.clear();
    }

    @Test
    void memoryCarriesTheFirstTurnIntoTheSecondPrompt() {
        AssistantSession session = new AssistantSession(model, 10);

        AssistantSession.Turn first = session.ask("Reverse: a b c");
        AssistantSession.Turn second = session.ask("Now sort: 5 3 9");

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)).containsExactly(UserMessage.from("Reverse: a b c"));
        assertThat(requests.get(1)).containsExactly(UserMessage.from("Reverse: a b c"), AiMessage.from(first.answer()),
                UserMessage.from("Now sort: 5 3 9"));
        // The remembered turn really reaches the model: the second prompt is longer by the first exchange.
        assertThat(second.promptTokens()).isGreaterThan(first.promptTokens());
        for (AssistantSession.Turn turn : List.of(first, second)) {
            assertThat(turn.strategy()).isEqualTo("elastic");
            assertThat(turn.nfe()).isBetween(1, 16);
            assertThat(turn.recomputeFraction()).isBetween(0.0, 1.0);
            assertThat(turn.answerTokens()).isBetween(0, 16);
            assertThat(turn.finishReason()).isIn("STOP", "LENGTH");
        }
    }

    @Test
    void separateSessionsDoNotShareMemory() {
        new AssistantSession(model, 10).ask("Reverse: a b c");
        new AssistantSession(model, 10).ask("Sort: 5 3 9");

        assertThat(requests.get(1)).containsExactly(UserMessage.from("Sort: 5 3 9"));
    }

    @Test
    void commandLineReadsLinesAndPrintsAnswersWithStatistics() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new StringReader("Sort: 5 3 9\n\nReverse: a b c\nexit\nnever asked\n"));

        AssistantApp.run(new AssistantSession(model, 10), new String[0], in, out, model.modelName());

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("Elastic-Cache assistant on " + model.modelName());
        assertThat(requests).hasSize(2);
        assertThat(printed.lines().filter(l -> l.matches(
                ".*\\[elastic \\| \\d+\\.\\d tokens/s \\| NFE \\d+ \\| recompute \\d+\\.\\d% \\| \\d+ prompt \\+ \\d+ answer tokens \\| (STOP|LENGTH)]")))
                .hasSize(2);
        assertThat(requests.get(1)).hasSize(3);
    }

    @Test
    void oneShotQuestionFromArguments() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        AssistantApp.run(new AssistantSession(model, 10), new String[] {"Sort:", "5 3 9"},
                new BufferedReader(new StringReader("")), out, model.modelName());

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0)).containsExactly(UserMessage.from("Sort: 5 3 9"));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("[elastic | ").contains(" tokens/s | NFE ");
    }
}
