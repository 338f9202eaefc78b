package dev.elasticcache.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.spring.TestModels;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * The mechanism on whatever model the tests run (any weights): tools reach the model from ChatClient's options,
 * calls come back as AssistantMessage tool calls naming an offered tool with arguments that parse, tool responses
 * become tool turns, and entity(..) gets a parsed object with and without native structured output.
 */
class ElasticCacheToolsAndStructuredOutputTests {
    private static ElasticCacheEngine engine;
    private static ElasticCacheChatModel model;
    private static final List<GenerationResult> seen = new CopyOnWriteArrayList<>();

    record Person(String name, int age) {}

    static final class Weather {
        final List<String> cities = new CopyOnWriteArrayList<>();

        @Tool(description = "Current weather of a city")
        String get_weather(@ToolParam(description = "City name") String city) {
            cities.add(city);
            return "12C and rainy";
        }
    }

    /** A tool that always fails, as a flaky remote service would. */
    static final class Broken {
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        @Tool(description = "Current weather of a city")
        String get_weather(@ToolParam(description = "City name") String city) {
            calls.incrementAndGet();
            throw new IllegalStateException("weather service unavailable");
        }
    }

    @BeforeAll
    static void load() {
        engine = ElasticCacheEngine.load(EngineConfig.builder()
                .modelDir(TestModels.embeddedModelPresent() ? null : TestModels.randomModel()).build());
        model = ElasticCacheChatModel.builder().engine(engine).statsListeners(List.of(seen::add))
                .defaultOptions(ElasticCacheChatOptions.builder().maxTokens(64).build()).build();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @BeforeEach
    void reset() {
        seen.clear();
    }

    @Test
    void optionsAreToolCallingAndStructuredOutputOptionsThatKeepTheirTools() {
        var callbacks = ToolCallbacks.from(new Weather());
        ElasticCacheChatOptions options = ElasticCacheChatOptions.builder().toolCallbacks(callbacks).toolChoice("required")
                .outputSchema("{\"type\":\"object\"}").gamma(0.8).build();
        assertThat(options).isInstanceOf(ToolCallingChatOptions.class);
        assertThat(options.mutate()).isInstanceOf(ToolCallingChatOptions.Builder.class);
        ElasticCacheChatOptions merged = model.getOptions().mutate().combineWith(options.mutate()).build();
        assertThat(merged.getToolCallbacks()).extracting(t -> t.getToolDefinition().name()).containsExactly("get_weather");
        assertThat(merged.getToolChoice()).hasToString("REQUIRED");
        assertThat(merged.getOutputSchema()).isEqualTo("{\"type\":\"object\"}");
        assertThat(merged.getGamma()).isEqualTo(0.8);
        assertThat(merged.mutate().build()).isEqualTo(merged);
    }

    @Test
    void requiredToolChoiceAnswersACallOfAnOfferedToolWithParsableArguments() throws Exception {
        var options = ElasticCacheChatOptions.builder().toolCallbacks(ToolCallbacks.from(new Weather())).toolChoice("required").build();
        ChatResponse response = model.call(new Prompt("What is the weather in Oslo?", options));
        AssistantMessage out = response.getResult().getOutput();
        assertThat(out.hasToolCalls()).isTrue();
        assertThat(response.hasToolCalls()).isTrue();
        assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("TOOL_CALLS");
        AssistantMessage.ToolCall call = out.getToolCalls().get(0);
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.type()).isEqualTo("function");
        assertThat(call.id()).startsWith("call_");
        Map<String, Object> arguments = new ObjectMapper().readValue(call.arguments(),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
        assertThat(arguments.keySet()).containsExactly("city");
    }

    @Test
    void toolResponsesBecomeToolTurnsOfTheNextPrompt() {
        var options = ElasticCacheChatOptions.builder().toolCallbacks(ToolCallbacks.from(new Weather())).toolChoice("none").build();
        AssistantMessage called = AssistantMessage.builder().content("")
                .toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "get_weather", "{\"city\":\"Oslo\"}"))).build();
        ToolResponseMessage result = ToolResponseMessage.builder()
                .responses(List.of(new ToolResponseMessage.ToolResponse("call_1", "get_weather", "12C and rainy"))).build();
        model.call(new Prompt(List.of(new UserMessage("What is the weather in Oslo?"), called, result), options));
        int[] prompt = seen.get(0).promptIds();
        String rendered = engine.tokenizer().decode(prompt, false);
        assertThat(rendered).contains("<tool_call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}</tool_call>")
                .contains("<|start_header_id|>tool<|end_header_id|>\n\n12C and rainy<|eot_id|>")
                .contains("get_weather(city: string) - Current weather of a city city: City name");
    }

    @Test
    void aForcedToolLoopEndsInTextAfterMaxToolRoundsAndAThrowingToolsErrorIsItsResult() {
        // Tool choice 'required' on every round would loop for ever; the model answers in text after the limit.
        Broken broken = new Broken();
        try (ElasticCacheEngine twoRounds = ElasticCacheEngine.load(EngineConfig.builder().maxToolRounds(2)
                .modelDir(TestModels.embeddedModelPresent() ? null : TestModels.randomModel()).build())) {
            ElasticCacheChatModel limited = ElasticCacheChatModel.builder().engine(twoRounds).statsListeners(List.of(seen::add))
                    .defaultOptions(ElasticCacheChatOptions.builder().maxTokens(32).build()).build();
            ChatResponse response = ChatClient.create(limited).prompt().user("What is the weather in Oslo?")
                    .options(ElasticCacheChatOptions.builder().toolChoice("required"))
                    .tools(broken).call().chatResponse();
            assertThat(broken.calls.get()).isEqualTo(2);
            assertThat(seen).hasSize(3);
            assertThat(seen.get(0).hasToolCalls()).isTrue();
            assertThat(seen.get(1).hasToolCalls()).isTrue();
            assertThat(seen.get(2).hasToolCalls()).isFalse();
            assertThat(response.hasToolCalls()).isFalse();
            // Spring AI's default exception processor turns the exception into the tool result; the prompt shows it.
            assertThat(twoRounds.tokenizer().decode(seen.get(2).promptIds(), false)).contains("weather service unavailable");
        }
    }

    @Test
    void aMalformedToolResultIsPassedOnAsTextAndTheModelKeepsServing() {
        var options = ElasticCacheChatOptions.builder().toolCallbacks(ToolCallbacks.from(new Weather())).toolChoice("auto").build();
        AssistantMessage called = AssistantMessage.builder().content("")
                .toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "get_weather", "{\"city\":\"Oslo\"}"))).build();
        ToolResponseMessage result = ToolResponseMessage.builder()
                .responses(List.of(new ToolResponseMessage.ToolResponse("call_1", "get_weather", "{\"temp\": 12, \"sky"))).build();
        ChatResponse response = model.call(new Prompt(List.of(new UserMessage("What is the weather in Oslo?"), called, result), options));
        assertThat(response.getResult()).isNotNull();
        assertThat(engine.tokenizer().decode(seen.get(0).promptIds(), false)).contains("{\"temp\": 12, \"sky<|eot_id|>");
        assertThat(model.call(new Prompt("Uppercase these words: robot flame")).getResult()).isNotNull();
    }

    @Test
    void entityReturnsTheParsedObjectWithAndWithoutNativeStructuredOutput() {
        ChatClient client = ChatClient.create(model);
        Person nativeOutput = client.prompt().user("Describe a person").call()
                .entity(Person.class, spec -> spec.useProviderStructuredOutput());
        assertThat(nativeOutput).isNotNull();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).json()).isNotNull().contains("\"age\":").contains("\"name\":");

        Person formatInstructions = client.prompt().user("Describe a person").call().entity(Person.class);
        assertThat(formatInstructions).isNotNull();
        assertThat(seen.get(1).json()).isNotNull();
        assertThat(engine.tokenizer().decode(seen.get(1).promptIds())).doesNotContain("JSON format");
    }

    @Test
    void unsupportedKeywordInAToolSchemaNamesTheToolAndTheKeyword() {
        var bad = org.springframework.ai.tool.function.FunctionToolCallback.builder("lookup", (String q) -> "x")
                .inputType(String.class)
                .inputSchema("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"pattern\":\"a+\"}}}").build();
        var options = ElasticCacheChatOptions.builder().toolCallbacks(List.of(bad)).build();
        assertThatThrownBy(() -> model.call(new Prompt("hi", options)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool 'lookup'").hasMessageContaining("'pattern'");
    }
}
