package dev.elasticcache.samples.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.langchain4j.ElasticCacheChatModel;
import dev.elasticcache.langchain4j.ElasticCacheChatRequestParameters;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
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
 * chat memory carries earlier turns into later prompts, the command line prints answers with statistics, and the
 * weather tool is offered, run on a call and its report sent back.
 */
class AssistantTest {

    private static final Path RANDOM = Path.of("target", "test-models", "random-tiny-llada").toAbsolutePath();
    private static final List<List<ChatMessage>> requests = new CopyOnWriteArrayList<>();
    private static final List<List<ToolSpecification>> offeredTools = new CopyOnWriteArrayList<>();
    private static ElasticCacheChatModel model;

    @BeforeAll
    static void loadModel() {
        ElasticCacheChatModel.Builder builder = ElasticCacheChatModel.builder()
                .defaultRequestParameters(ElasticCacheChatRequestParameters.builder().strategy("elastic")
                        .maxOutputTokens(48).build())
                .listeners(new ChatModelListener() {
                    @Override
                    public void onRequest(ChatModelRequestContext context) {
                        requests.add(List.copyOf(context.chatRequest().messages()));
                        List<ToolSpecification> tools = context.chatRequest().parameters().toolSpecifications();
                        offeredTools.add(tools == null ? List.of() : List.copyOf(tools));
                    }
                });
        if (toolModelShipped()) {
            builder.embeddedModel(EmbeddedModel.TOOLS_NAME);
        } else {
            if (!Files.isRegularFile(RANDOM.resolve("config.json"))) {
                RandomCheckpoint.write(RANDOM, RandomCheckpoint.tinyConfig().build(), 5, DType.F32, 1);
            }
            builder.modelDir(RANDOM);
        }
        model = builder.build();
    }

    static boolean toolModelShipped() {
        return AssistantTest.class.getClassLoader()
                .getResource(EmbeddedModel.resourceFolder(EmbeddedModel.TOOLS_NAME) + "config.json") != null;
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
        offeredTools.clear();
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
            assertThat(turn.nfe()).isBetween(1, 48);
            assertThat(turn.recomputeFraction()).isBetween(0.0, 1.0);
            assertThat(turn.answerTokens()).isBetween(0, 48);
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

    @Test
    void weatherReportsHaveOneWidthAndDependOnlyOnTheCity() {
        String oslo = WeatherTools.report("Oslo");
        assertThat(oslo).hasSize(13).matches("[1-3]\\dC and (rainy|sunny|windy|foggy|snowy|misty|humid|clear)");
        assertThat(WeatherTools.report(" oslo ")).isEqualTo(oslo);
        assertThat(new WeatherTools().getWeather("Oslo")).isEqualTo(oslo);
        for (String city : List.of("Munich", "Lima", "Reykjavik", "", "Ulaanbaatar")) {
            assertThat(WeatherTools.report(city)).hasSize(13);
        }
    }

    @Test
    void theWeatherToolIsOfferedToTheModelAsTheAppWiresIt() {
        AssistantSession session = new AssistantSession(model, 10, new WeatherTools());

        AssistantSession.Turn turn = session.ask("What is the weather in Oslo?");

        assertThat(offeredTools).isNotEmpty().allSatisfy(tools -> {
            assertThat(tools).singleElement().satisfies(tool -> {
                assertThat(tool.name()).isEqualTo("get_weather");
                assertThat(tool.description()).isEqualTo("Current weather of a city.");
                assertThat(tool.parameters().properties()).containsOnlyKeys("city");
                assertThat(tool.parameters().required()).containsExactly("city");
            });
        });
        // Whether the model calls the tool is its own decision (tool choice AUTO); each call it made was run and
        // its report sent back in the next request.
        assertToolResultsAnswerTheirCalls();
        assertThat(turn.finishReason()).isIn("STOP", "LENGTH");
        assertThat(turn.statsLine()).startsWith("[elastic | ");
    }

    /** What the shipped tool model knows: it asks the tool about the city in the question and quotes the report. */
    @Test
    void theAssistantAnswersWeatherQuestionsAboutNewCitiesWithTheToolsReport() {
        org.junit.jupiter.api.Assumptions.assumeTrue(toolModelShipped(), "the tool model is not in the core jar");
        java.util.Random random = new java.util.Random(2026);
        for (int i = 0; i < 3; i++) {
            StringBuilder city = new StringBuilder().append((char) ('A' + random.nextInt(26)));
            for (int k = 0, n = 3 + random.nextInt(7); k < n; k++) {
                city.append((char) ('a' + random.nextInt(26)));
            }
            requests.clear();
            AssistantSession.Turn turn = new AssistantSession(model, 10, new WeatherTools())
                    .ask("What is the weather in " + city + "?");
            assertThat(requests).hasSize(2);
            assertToolResultsAnswerTheirCalls();
            AiMessage call = (AiMessage) requests.get(1).get(1);
            assertThat(call.toolExecutionRequests()).singleElement()
                    .satisfies(r -> assertThat(r.arguments()).isEqualTo("{\"city\":\"" + city + "\"}"));
            assertThat(turn.answer()).isEqualTo("The weather is " + WeatherTools.report(city.toString()) + ".");
        }
    }

    @Test
    void aToolCallIsRunAndItsResultReachesTheModel() {
        // The model is made to call on the first request (ToolChoice.REQUIRED) and to answer in text once a result
        // is there (NONE), so the round trip runs whatever the model would choose; the call's city is the model's.
        ChatModel scripted = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                boolean resultSeen = request.messages().get(request.messages().size() - 1)
                        instanceof ToolExecutionResultMessage;
                return model.chat(request.toBuilder().parameters(request.parameters().overrideWith(
                        ChatRequestParameters.builder().toolChoice(resultSeen ? ToolChoice.NONE : ToolChoice.REQUIRED)
                                .build())).build());
            }
        };
        AssistantSession session = new AssistantSession(scripted, 10, new WeatherTools());

        AssistantSession.Turn turn = session.ask("What is the weather in Oslo?");

        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).get(0)).isEqualTo(UserMessage.from("What is the weather in Oslo?"));
        assertThat(requests.get(1).get(1)).isInstanceOfSatisfying(AiMessage.class, ai ->
                assertThat(ai.toolExecutionRequests()).isNotEmpty()
                        .allSatisfy(call -> assertThat(call.name()).isEqualTo("get_weather")));
        assertThat(requests.get(1)).filteredOn(m -> m instanceof ToolExecutionResultMessage).isNotEmpty();
        assertToolResultsAnswerTheirCalls();
        assertThat(turn.finishReason()).isIn("STOP", "LENGTH");
        assertThat(turn.answer()).isNotNull();
    }

    /** Every tool result of the last request holds the report for the city its call asked about. */
    private static void assertToolResultsAnswerTheirCalls() {
        List<ChatMessage> last = requests.get(requests.size() - 1);
        for (ChatMessage message : last) {
            if (message instanceof ToolExecutionResultMessage result) {
                ToolExecutionRequest call = last.stream().filter(m -> m instanceof AiMessage)
                        .flatMap(m -> ((AiMessage) m).toolExecutionRequests().stream())
                        .filter(r -> r.id().equals(result.id())).findFirst().orElseThrow();
                JsonObject arguments = JsonParser.parseString(call.arguments()).getAsJsonObject();
                assertThat(arguments.keySet()).as("arguments %s", call.arguments()).containsExactly("city");
                assertThat(result.toolName()).isEqualTo("get_weather");
                assertThat(result.text()).isEqualTo(WeatherTools.report(arguments.get("city").getAsString()));
            }
        }
    }
}
