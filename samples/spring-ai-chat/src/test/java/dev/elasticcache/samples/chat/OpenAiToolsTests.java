package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.elasticcache.engine.ElasticCacheEngine;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tools and response formats on the OpenAI-compatible API, as Spring AI's own OpenAI client uses them: the client
 * runs its own tool loop (the server never executes a tool), and raw requests check OpenAI's shapes and the 400s.
 * Mechanism only: any model passes (tool choice {@code required} forces a call whatever the weights, and every
 * schema document is valid by construction).
 */
class OpenAiToolsTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String WEATHER = "What is the weather in Oslo?";
    static final String WEATHER_TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
            + "\"Current weather of a city.\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
            + "\"string\",\"description\":\"City name\"}},\"required\":[\"city\"]}}}";
    static final String FLIGHT_TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"book_flight\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"},"
            + "\"seat\":{\"type\":\"string\"}},\"required\":[\"from\",\"to\",\"seat\"]}}}";
    static final String BOOKING_SCHEMA = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},"
            + "\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"},\"seat\":{\"type\":\"string\"},"
            + "\"gate\":{\"type\":\"string\"},\"class\":{\"type\":\"string\",\"enum\":[\"Y\",\"J\",\"F\",\"W\"]},"
            + "\"bag\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":9}},"
            + "\"required\":[\"id\",\"from\",\"to\",\"seat\",\"gate\",\"class\",\"bag\"],\"additionalProperties\":false}";

    @Autowired
    ElasticCacheEngine engine;

    OpenAiChatModel openAi;

    /** A client-side tool: what Spring AI's tool loop executes on the client's side. */
    static final class ClientWeather {
        final List<String> cities = new CopyOnWriteArrayList<>();

        @Tool(name = "get_weather", description = "Current weather of a city.", resultConverter = TravelTools.PlainText.class)
        public String getWeather(@ToolParam(description = "City name") String city) {
            cities.add(city);
            return "12C and rainy";
        }
    }

    /**
     * Runs inside Spring AI's tool loop (ordered after its ToolCallingAdvisor): the first round must call a tool,
     * the round after the tool results must not, so the loop ends after one round trip on any model.
     */
    static final class CallOnceThenAnswer implements CallAdvisor, StreamAdvisor {
        @Override
        public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
            return chain.nextCall(adjust(request));
        }

        @Override
        public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
            return chain.nextStream(adjust(request));
        }

        private static ChatClientRequest adjust(ChatClientRequest request) {
            List<Message> messages = request.prompt().getInstructions();
            boolean afterResults = messages.get(messages.size() - 1).getMessageType() == MessageType.TOOL;
            OpenAiChatOptions options = ((OpenAiChatOptions) request.prompt().getOptions()).mutate()
                    .toolChoice(afterResults ? "none" : "required").build();
            return request.mutate().prompt(request.prompt().mutate().chatOptions(options).build()).build();
        }

        @Override
        public String getName() {
            return "call once, then answer";
        }

        @Override
        public int getOrder() {
            return ToolCallingAdvisor.DEFAULT_ORDER + 100;
        }
    }

    @BeforeEach
    void client() {
        openAi = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl("http://localhost:" + port + "/v1")
                .apiKey("not-needed")
                .model(engine.modelInfo().name())
                .temperature(0.0)
                .maxTokens(32)
                .maxRetries(0)
                .timeout(Duration.ofMinutes(2))
                .build()).build();
    }

    @Test
    void springAiOpenAiClientRunsItsOwnToolLoopAgainstTheApp() {
        ClientWeather weather = new ClientWeather();

        ChatResponse response = ChatClient.create(openAi).prompt().user(WEATHER).tools(weather)
                .advisors(new CallOnceThenAnswer()).call().chatResponse();

        // The app answered with a call, the client executed it and sent the result back as a tool message.
        assertThat(weather.cities).hasSize(1);
        assertThat(response).isNotNull();
        assertThat(response.getResult().getOutput().hasToolCalls()).isFalse();
        assertThat(response.getResult().getOutput().getText()).isNotNull();
        assertThat(response.getResult().getMetadata().getFinishReason()).isIn("STOP", "LENGTH");
    }

    @Test
    void springAiOpenAiClientRunsItsToolLoopOnStreamedToolCalls() {
        ClientWeather weather = new ClientWeather();

        List<String> text = ChatClient.create(openAi).prompt().user(WEATHER).tools(weather)
                .advisors(new CallOnceThenAnswer()).stream().content().collectList().block(Duration.ofMinutes(2));

        assertThat(weather.cities).hasSize(1);
        assertThat(text).isNotNull();
    }

    @Test
    void springAiOpenAiClientGetsAnEntityByNativeStructuredOutput() {
        Booking booking = ChatClient.create(openAi).prompt()
                .user("Record to JSON: id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7").call()
                .entity(Booking.class, spec -> spec.useProviderStructuredOutput());

        assertThat(booking).isNotNull();
        assertThat(booking.id()).isNotNull();
        assertThat(booking.travelClass()).isNotNull();
    }

    @Test
    void toolCallsHaveOpenAisShape() throws Exception {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\""
                + WEATHER + "\"}],\"tools\":[" + WEATHER_TOOL + "," + FLIGHT_TOOL + "],\"tool_choice\":\"required\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(response.body()).at("/choices/0");
        assertThat(choice.get("finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/role").asString()).isEqualTo("assistant");
        assertThat(choice.at("/message/content").isNull()).isTrue();
        List<JsonNode> calls = choice.at("/message/tool_calls").valueStream().toList();
        assertThat(calls).isNotEmpty();
        for (JsonNode call : calls) {
            assertThat(call.get("id").asString()).startsWith("call_");
            assertThat(call.get("type").asString()).isEqualTo("function");
            assertThat(call.at("/function/name").asString()).isIn("get_weather", "book_flight");
            assertThat(call.at("/function/arguments").isString()).isTrue();
            assertThat(JSON.readTree(call.at("/function/arguments").asString()).isObject()).isTrue();
        }
        assertThat(calls.stream().map(c -> c.get("id").asString()).distinct()).hasSize(calls.size());
    }

    @Test
    void streamedToolCallsComeAsIndexedDeltasBeforeTheFinishChunk() throws Exception {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"stream\":true,\"stream_options\":"
                + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"" + WEATHER + "\"}],"
                + "\"tools\":[" + WEATHER_TOOL + "],\"tool_choice\":\"required\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> JSON.readTree(e.data())).toList();
        List<JsonNode> deltas = chunks.stream().filter(c -> c.at("/choices/0/delta/tool_calls").isArray())
                .map(c -> c.at("/choices/0/delta/tool_calls/0")).toList();
        assertThat(deltas).isNotEmpty();
        for (int i = 0; i < deltas.size(); i++) {
            JsonNode call = deltas.get(i);
            assertThat(call.get("index").asInt()).isEqualTo(i);
            assertThat(call.get("id").asString()).startsWith("call_");
            assertThat(call.get("type").asString()).isEqualTo("function");
            assertThat(call.at("/function/name").asString()).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.at("/function/arguments").asString()).isObject()).isTrue();
        }
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asString()).isEqualTo("tool_calls");
        assertThat(chunks.get(chunks.size() - 1).at("/usage/prompt_tokens").asInt()).isPositive();
    }

    @Test
    void aNamedToolChoiceCallsThatToolAndParallelToolCallsFalseKeepsOne() throws Exception {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Book a flight from PSK to UJX, seat 70V.\"}],\"tools\":[" + WEATHER_TOOL + "," + FLIGHT_TOOL + "],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"book_flight\"}},"
                + "\"parallel_tool_calls\":false}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> calls = JSON.readTree(response.body()).at("/choices/0/message/tool_calls").valueStream().toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).at("/function/name").asString()).isEqualTo("book_flight");
        assertThat(JSON.readTree(calls.get(0).at("/function/arguments").asString()).propertyNames())
                .containsExactly("from", "to", "seat");
    }

    @Test
    void toolChoiceNoneAndToolMessagesAnswerInText() throws Exception {
        HttpResponse<String> none = postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\""
                + WEATHER + "\"}],\"tools\":[" + WEATHER_TOOL + "],\"tool_choice\":\"none\",\"max_tokens\":16}");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        JsonNode plain = JSON.readTree(none.body()).at("/choices/0");
        assertThat(plain.get("finish_reason").asString()).isIn("stop", "length");
        assertThat(plain.at("/message/content").isString()).isTrue();
        assertThat(plain.at("/message/tool_calls").isMissingNode()).isTrue();

        // The client's loop: the assistant's call (content null, as OpenAI sends it) and the tool's result.
        String conversation = "[{\"role\":\"user\",\"content\":\"" + WEATHER + "\"},{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\","
                + "\"content\":\"12C and rainy\"}]";
        for (String stream : List.of("false", "true")) {
            HttpResponse<String> answer = postJson("/v1/chat/completions", "{\"messages\":" + conversation + ",\"tools\":["
                    + WEATHER_TOOL + "],\"tool_choice\":\"none\",\"max_tokens\":16,\"stream\":" + stream
                    + ",\"stream_options\":{\"include_usage\":true}}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode usage = stream.equals("true")
                    ? JSON.readTree(Sse.parse(answer.body()).get(Sse.parse(answer.body()).size() - 2).data()).get("usage")
                    : JSON.readTree(answer.body()).get("usage");
            // The call and its result are part of the prompt.
            assertThat(usage.get("prompt_tokens").asInt())
                    .isGreaterThan(JSON.readTree(none.body()).at("/usage/prompt_tokens").asInt() + 20);
        }
    }

    @Test
    void responseFormatJsonSchemaAnswersADocumentValidForTheSchemaPlainAndStreamed() throws Exception {
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(BOOKING_SCHEMA);
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Record to JSON: id:36291742 from:PSK to:UJX "
                + "seat:70V gate:V71 class:W bag:7\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"booking\",\"strict\":true,\"schema\":" + BOOKING_SCHEMA + "}}";

        HttpResponse<String> plain = postJson("/v1/chat/completions", body + "}");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        String document = JSON.readTree(plain.body()).at("/choices/0/message/content").asString();
        assertThat(schema.validate(document, InputFormat.JSON)).as(document).isEmpty();
        assertThat(JSON.readTree(plain.body()).at("/choices/0/finish_reason").asString()).isEqualTo("stop");

        HttpResponse<String> streamed = postJson("/v1/chat/completions", body + ",\"stream\":true}");
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(streamed.body());
        String text = String.join("", events.subList(0, events.size() - 1).stream().map(e -> JSON.readTree(e.data()))
                .map(c -> c.at("/choices/0/delta/content").asString("")).toList());
        assertThat(text).isEqualTo(document);
    }

    @Test
    void unsupportedSchemaKeywordsAndMalformedToolInputAre400NamingTheProblem() throws Exception {
        String user = "[{\"role\":\"user\",\"content\":\"" + WEATHER + "\"}]";
        String patternTool = "{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"q\":{\"type\":\"string\",\"pattern\":\"a+\"}}}}}";
        for (String stream : List.of("false", "true")) {
            assertBadRequest("{\"messages\":" + user + ",\"stream\":" + stream + ",\"tools\":[" + patternTool + "]}",
                    "tool 'lookup'", "'pattern'");
        }
        assertBadRequest("{\"messages\":" + user + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":"
                + "\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"format\":\"email\"}}}}}}",
                "'format'");
        assertBadRequest("{\"messages\":" + user + ",\"response_format\":{\"type\":\"json_object\"}}", "json_schema");
        assertBadRequest("{\"messages\":" + user + ",\"response_format\":{\"type\":\"json_schema\"}}", "json_schema.schema");
        assertBadRequest("{\"messages\":" + user + ",\"tools\":[" + WEATHER_TOOL + "],\"tool_choice\":{\"type\":\"function\","
                + "\"function\":{\"name\":\"book_flight\"}}}", "book_flight", "get_weather");
        assertBadRequest("{\"messages\":" + user + ",\"tool_choice\":\"required\"}", "required", "tools");
        assertBadRequest("{\"messages\":" + user + ",\"tools\":[" + WEATHER_TOOL + "],\"tool_choice\":\"sometimes\"}",
                "tool_choice");
        assertBadRequest("{\"messages\":" + user + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get weather\"}}]}",
                "tools[0].function.name");
        assertBadRequest("{\"messages\":" + user + ",\"tools\":[" + WEATHER_TOOL + "," + WEATHER_TOOL + "]}", "twice");
        // Tool messages: no id, an id no call made, arguments that are not a JSON object.
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"tool\",\"content\":\"12C\"}]}",
                "messages[1]", "tool_call_id");
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":"
                + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"12C\"}]}", "call_2", "call_1");
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":"
                + "\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"Oslo\"}}]}]}",
                "messages[1].tool_calls[0].function.arguments");
        assertBadRequest("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"tool_calls\":"
                + "[{\"type\":\"function\"}]}]}", "messages[1].tool_calls[0]");
        assertBadRequest("{\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"x\",\"content\":\"12C\"}]}", "answers no tool call");
        assertBadRequest("{\"messages\":" + user + ",\"tools\":\"get_weather\"}", "not a valid chat completion request");
    }

    @Test
    void springAiOpenAiClientSeesTheBadRequestAtOnce() {
        var bad = org.springframework.ai.tool.function.FunctionToolCallback.builder("lookup", (String q) -> "x")
                .inputType(String.class)
                .inputSchema("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"pattern\":\"a+\"}}}").build();

        assertThatThrownBy(() -> ChatClient.create(openAi).prompt().user(WEATHER).toolCallbacks(bad).call().content())
                .hasMessageContaining("400").hasMessageContaining("pattern");
    }

    private void assertBadRequest(String body, String... messageParts) throws Exception {
        HttpResponse<String> response = postJson("/v1/chat/completions", body);
        assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        for (String part : messageParts) {
            assertThat(error.get("message").asString()).as(body).contains(part);
        }
        assertThat(Objects.requireNonNull(response.headers().firstValue("Content-Type").orElse(null)))
                .startsWith("application/json");
    }
}
