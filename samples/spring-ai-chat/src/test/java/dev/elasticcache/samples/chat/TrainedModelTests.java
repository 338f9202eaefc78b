package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.elasticcache.engine.ElasticCacheEngine;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the shipped model knows (not the mechanism): it calls the right tool with the arguments copied from the
 * question, answers with the tool's result after the tool loop, and copies a booking record into its schema.
 * Runs on the app's model ({@code tiny-llada-tools}) and on any other whose training.json names the {@code json},
 * {@code tool} and {@code tool-answer} families; skipped on other weights. Tool choice stays {@code auto} throughout:
 * the model itself decides to call, and to answer once the result is in.
 */
class TrainedModelTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    ElasticCacheEngine engine;

    @BeforeEach
    void requireTrainedModel() {
        List<String> families = engine.modelInfo().card().families();
        assumeTrue(families.containsAll(List.of("json", "tool", "tool-answer")),
                "the model " + engine.modelInfo().name() + " was not trained on the json, tool and tool-answer families"
                        + " (it knows " + families + ")");
    }

    @Test
    void weatherQuestionCallsGetWeatherForOsloAndTheAnswerQuotesTheResult() throws Exception {
        JsonNode body = chatWithTools("What is the weather in Oslo?");

        JsonNode run = single(body);
        assertThat(run.get("name").asString()).isEqualTo("get_weather");
        assertThat(JSON.readTree(run.get("arguments").asString())).isEqualTo(JSON.readTree("{\"city\":\"Oslo\"}"));
        String result = new TravelTools().getWeather("Oslo");
        assertThat(run.get("result").asString()).isEqualTo(result);
        assertThat(body.get("answer").asString()).contains(result);
    }

    @Test
    void flightRequestCallsBookFlightAndTheAnswerQuotesTheBooking() throws Exception {
        JsonNode body = chatWithTools("Book a flight from PSK to UJX, seat 70V.");

        JsonNode run = single(body);
        assertThat(run.get("name").asString()).isEqualTo("book_flight");
        assertThat(JSON.readTree(run.get("arguments").asString()))
                .isEqualTo(JSON.readTree("{\"from\":\"PSK\",\"to\":\"UJX\",\"seat\":\"70V\"}"));
        assertThat(body.get("answer").asString()).contains(new TravelTools().bookFlight("PSK", "UJX", "70V"));
    }

    @Test
    void conversionRequestCallsConvertCurrencyAndTheAnswerQuotesTheAmount() throws Exception {
        JsonNode body = chatWithTools("Convert 120 USD to EUR.");

        JsonNode run = single(body);
        assertThat(run.get("name").asString()).isEqualTo("convert_currency");
        assertThat(JSON.readTree(run.get("arguments").asString()))
                .isEqualTo(JSON.readTree("{\"amount\":120,\"from\":\"USD\",\"to\":\"EUR\"}"));
        assertThat(body.get("answer").asString()).contains(new TravelTools().convertCurrency(120, "USD", "EUR"));
    }

    @Test
    void streamedWeatherAnswerQuotesTheToolResult() throws Exception {
        HttpResponse<String> response = postJson("/api/chat/stream",
                "{\"message\":\"What is the weather in Oslo?\",\"tools\":true,\"maxTokens\":64}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.get(0).name()).as(response.body()).isEqualTo("tool");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("message")).forEach(e -> text.append(JSON.readTree(e.data()).get("text").asString()));
        assertThat(text.toString()).contains(new TravelTools().getWeather("Oslo"));
    }

    @Test
    void bookingEndpointReturnsTheCopiedRecord() throws Exception {
        HttpResponse<String> response = postJson("/api/booking", "{\"message\":\"Record to JSON: " + BookingTests.RECORD + "\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.treeToValue(JSON.readTree(response.body()).get("booking"), Booking.class))
                .isEqualTo(new Booking("36291742", "PSK", "UJX", "70V", "V71", "W", 7));
    }

    /** The README's curl example: the OpenAI endpoint answers with the call and finish reason tool_calls. */
    @Test
    void readmesOpenAiExampleGetsTheBookFlightCall() throws Exception {
        HttpResponse<String> response = postJson("/v1/chat/completions", """
                {"model":"tiny-llada-tools","messages":[{"role":"user","content":"Book a flight from PSK to UJX, seat 70V."}],
                  "tools":[{"type":"function","function":{"name":"book_flight","parameters":{"type":"object",
                    "properties":{"from":{"type":"string"},"to":{"type":"string"},"seat":{"type":"string"}}}}}]}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(response.body()).at("/choices/0");
        assertThat(choice.get("finish_reason").asString()).isEqualTo("tool_calls");
        JsonNode call = choice.at("/message/tool_calls/0/function");
        assertThat(call.get("name").asString()).isEqualTo("book_flight");
        assertThat(JSON.readTree(call.get("arguments").asString()))
                .isEqualTo(JSON.readTree("{\"from\":\"PSK\",\"to\":\"UJX\",\"seat\":\"70V\"}"));
    }

    /** Spring AI's OpenAI client with its own @Tool object: its loop calls get_weather once, then gets the answer. */
    @Test
    void springAiOpenAiClientsToolLoopGetsTheWeatherAndTheAnswer() {
        OpenAiChatModel openAi = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl("http://localhost:" + port + "/v1").apiKey("not-needed").model(engine.modelInfo().name())
                .temperature(0.0).maxTokens(64).maxRetries(0).timeout(Duration.ofMinutes(2)).build()).build();
        ClientTools tools = new ClientTools();

        String answer = ChatClient.create(openAi).prompt().user("What is the weather in Oslo?").tools(tools).call().content();

        assertThat(tools.arguments).containsExactly("Oslo");
        assertThat(answer).contains(new TravelTools().getWeather("Oslo"));
    }

    /** The app's tools, seen from an OpenAI client: it executes them itself. */
    static final class ClientTools {
        final List<String> arguments = new CopyOnWriteArrayList<>();
        private final TravelTools tools = new TravelTools();

        @Tool(name = "get_weather", description = "Current weather of a city.", resultConverter = TravelTools.PlainText.class)
        public String getWeather(@ToolParam(description = "City name") String city) {
            arguments.add(city);
            return tools.getWeather(city);
        }

        @Tool(name = "convert_currency", description = "Convert money between currencies.",
                resultConverter = TravelTools.PlainText.class)
        public String convertCurrency(@ToolParam(description = "how much") int amount,
                @ToolParam(description = "currency code") String from, @ToolParam(description = "currency code") String to) {
            arguments.add(amount + " " + from + " " + to);
            return tools.convertCurrency(amount, from, to);
        }
    }

    private JsonNode chatWithTools(String message) throws Exception {
        HttpResponse<String> response = postJson("/api/chat", "{\"message\":\"" + message + "\",\"tools\":true,\"maxTokens\":64}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode single(JsonNode body) {
        List<JsonNode> runs = body.get("toolCalls").valueStream().toList();
        assertThat(runs).as(body.toString()).hasSize(1);
        return runs.get(0);
    }
}
