package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.tokenizer.ToolCall;
import dev.elasticcache.structured.ToolChoice;
import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.tokenizer.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Output schemas and tool calls through the engine's API, on a random-weight model, and their bad input. */
class StructuredGenerationTest {
    static final String PERSON = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":8},"
            + "\"age\":{\"type\":\"integer\"},\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\"]},\"maxItems\":2},"
            + "\"pet\":{\"type\":[\"string\",\"null\"]}},\"required\":[\"name\",\"age\"]}";
    static final List<ToolDefinition> TOOLS = List.of(
            new ToolDefinition("get_weather", "Weather.", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
            new ToolDefinition("add", "", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"number\"}}}"));

    @TempDir
    static Path dir;
    static ElasticCacheEngine engine;

    @BeforeAll
    static void load() {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.tinyConfig().build(), 9, DType.F32, 1);
        engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(model).queueCapacity(2)
                .defaultOptions(DecodingOptions.builder().genLength(32).windowLength(8).build()).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static GenerationRequest.Builder ask(String text) {
        return GenerationRequest.builder().messages(List.of(ChatMessage.user(text)));
    }

    static boolean valid(String schema, String document) throws Exception {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema)
                .validate(new ObjectMapper().readTree(document)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void aSchemaRequestAnswersAValidDocument(Strategy strategy) throws Exception {
        GenerationResult r = engine.generate(ask("Describe a person").outputSchema(PERSON).trace(true)
                .options(DecodingOptions.builder().strategy(strategy).genLength(32).blockLength(16).build()).build());
        assertThat(r.json()).isNotNull().isEqualTo(r.text());
        assertThat(valid(PERSON, r.json())).as(r.json()).isTrue();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.toolCalls()).isEmpty();
        assertThat(r.stats().nfe()).isPositive();
        assertThat(r.trace()).isNotEmpty();
    }

    @Test
    void requiredToolChoiceAnswersCallsOfOfferedToolsWithValidArguments() throws Exception {
        GenerationResult r = engine.generate(ask("What is the weather in Oslo?").tools(TOOLS).toolChoice(ToolChoice.REQUIRED).build());
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls()).isNotEmpty().hasSizeLessThanOrEqualTo(StructuredGeneration.MAX_CALLS);
        assertThat(r.text()).isEmpty();
        for (ToolCall call : r.toolCalls()) {
            ToolDefinition tool = TOOLS.stream().filter(t -> t.name().equals(call.name())).findFirst().orElseThrow();
            assertThat(valid(tool.parametersSchema(), call.arguments())).as(call.arguments()).isTrue();
            assertThat(call.id()).startsWith("call_").hasSize(29);
        }
        assertThat(r.toolCalls().stream().map(ToolCall::id).collect(Collectors.toSet())).hasSize(r.toolCalls().size());
    }

    @Test
    void toolChoiceNoneAnswersText() {
        GenerationResult r = engine.generate(ask("hi").tools(TOOLS).toolChoice(ToolChoice.NONE).build());
        assertThat(r.toolCalls()).isEmpty();
        assertThat(r.finishReason()).isNotEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.json()).isNull();
    }

    @Test
    void autoToolChoiceEitherCallsOrAnswersTextAndCountsItsTestPass() {
        GenerationResult auto = engine.generate(ask("hi").tools(TOOLS).build());
        GenerationResult none = engine.generate(ask("hi").tools(TOOLS).toolChoice(ToolChoice.NONE).build());
        if (auto.hasToolCalls()) {
            assertThat(auto.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        } else {
            assertThat(auto.text()).isEqualTo(none.text());
            assertThat(auto.stats().nfe()).isEqualTo(none.stats().nfe() + 1);
        }
    }

    @Test
    void afterMaxToolRoundsInARowEvenRequiredAnswersTextAndANewUserTurnStartsAfresh() {
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\": \"Oslo\"}");
        List<ChatMessage> round = List.of(ChatMessage.assistantToolCalls(List.of(call)),
                ChatMessage.toolResult("call_1", "get_weather", "12C and rainy"));
        List<ChatMessage> history = new java.util.ArrayList<>(List.of(ChatMessage.user("Weather in Oslo?")));
        for (int rounds = 0; rounds < EngineConfig.DEFAULT_MAX_TOOL_ROUNDS; rounds++) {
            GenerationResult r = engine.generate(GenerationRequest.builder().messages(history).tools(TOOLS)
                    .toolChoice(ToolChoice.REQUIRED).build());
            assertThat(r.finishReason()).as("round %d", rounds).isEqualTo(FinishReason.TOOL_CALLS);
            history.addAll(round);
        }
        GenerationResult limited = engine.generate(GenerationRequest.builder().messages(history).tools(TOOLS)
                .toolChoice(ToolChoice.REQUIRED).build());
        assertThat(limited.toolCalls()).isEmpty();
        assertThat(limited.finishReason()).isNotEqualTo(FinishReason.TOOL_CALLS);
        history.add(ChatMessage.user("And in Bergen?"));
        assertThat(engine.generate(GenerationRequest.builder().messages(history).tools(TOOLS)
                .toolChoice(ToolChoice.REQUIRED).build()).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThatThrownBy(() -> EngineConfig.builder().maxToolRounds(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxToolRounds must be >= 1");
    }

    @Test
    void earlierCallsAndToolResultsAreConversationTurns() {
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\": \"Oslo\"}");
        List<ChatMessage> history = List.of(ChatMessage.user("Weather in Oslo?"), ChatMessage.assistantToolCalls(List.of(call)),
                ChatMessage.toolResult("call_1", "get_weather", "12C and rainy"));
        String prompt = engine.tokenizer().renderChat(dev.elasticcache.structured.ToolPrompt.withTools(history, TOOLS,
                new dev.elasticcache.structured.JsonSchemaCompiler()));
        assertThat(prompt).contains("<|start_header_id|>system<|end_header_id|>\n\nTools:\nget_weather(city: string) - Weather.\n"
                + "add(a: integer, b: number)\n")
                .contains("<|start_header_id|>assistant<|end_header_id|>\n\n<tool_call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call><|eot_id|>")
                .contains("<|start_header_id|>tool<|end_header_id|>\n\n12C and rainy<|eot_id|>");
        GenerationResult r = engine.generate(GenerationRequest.builder().messages(history).tools(TOOLS).toolChoice(ToolChoice.NONE).build());
        assertThat(r.usage().promptTokens()).isEqualTo(engine.tokenizer().encode(prompt).length);
    }

    @Test
    void badSchemasAndToolsFailWithTheFixAndTheEngineKeepsServing() {
        assertThatThrownBy(() -> engine.submit(ask("x").outputSchema("{not json").build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> engine.submit(ask("x").outputSchema("{\"type\":\"string\",\"pattern\":\"a+\"}").build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pattern'");
        assertThatThrownBy(() -> engine.submit(ask("x").tools(List.of(new ToolDefinition("", "", null))).build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no name");
        assertThatThrownBy(() -> engine.submit(ask("x").tools(List.of(TOOLS.get(0), TOOLS.get(0))).build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two tools are named 'get_weather'");
        assertThatThrownBy(() -> engine.submit(ask("x").tools(List.of(new ToolDefinition("t", "",
                "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\"}}}"))).build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool 't'").hasMessageContaining("'format'");
        assertThatThrownBy(() -> engine.submit(ask("x").toolChoice(ToolChoice.REQUIRED).build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs at least one tool");
        String huge = "{\"type\":\"array\",\"maxItems\":64,\"items\":{\"type\":\"string\",\"maxLength\":64}}";
        assertThatThrownBy(() -> engine.submit(ask("x").outputSchema(huge).build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> engine.submit(GenerationRequest.builder().text("x").tools(TOOLS).build(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tools need a chat request");
        assertThat(engine.generate(ask("still there?").build()).stats().nfe()).isPositive();
    }
}
