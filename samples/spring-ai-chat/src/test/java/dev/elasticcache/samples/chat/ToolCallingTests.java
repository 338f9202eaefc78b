package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The app's own API with its Java tools ({@code "tools": true}): ChatClient attaches them, Spring AI's tool loop
 * runs them, the reply and the stream report each run. Mechanism only, so any model passes: {@code toolChoice:
 * required} makes the first round call a tool whatever the weights.
 */
class ToolCallingTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String WEATHER = "What is the weather in Oslo?";

    @Test
    void requiredToolChoiceRunsAJavaToolThroughSpringAisLoopAndThenAnswers() throws Exception {
        HttpResponse<String> response = postJson("/api/chat", "{\"message\":\"" + WEATHER + "\",\"tools\":true,"
                + "\"toolChoice\":\"required\",\"maxTokens\":32}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        List<JsonNode> runs = body.get("toolCalls").valueStream().toList();
        assertThat(runs).isNotEmpty().hasSizeLessThanOrEqualTo(4);
        runs.forEach(ToolCallingTests::assertIsARunOfTheAppsTools);
        assertThat(body.get("answer").isString()).isTrue();
        assertThat(body.get("finishReason").asString()).isNotBlank();
        // Usage covers every round of the loop: the second prompt holds the first prompt, the call and the result.
        assertThat(body.at("/usage/promptTokens").asInt()).isPositive();
        assertThat(body.at("/stats/nfe").asInt()).isPositive();
    }

    @Test
    void streamSendsEachToolRunAsAnEventBeforeTheAnswerAndListsThemWhenDone() throws Exception {
        HttpResponse<String> response = postJson("/api/chat/stream", "{\"message\":\"" + WEATHER + "\",\"tools\":true,"
                + "\"toolChoice\":\"required\",\"maxTokens\":32}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.get(0).name()).as(response.body()).isEqualTo("tool");
        Sse.Event done = events.get(events.size() - 1);
        assertThat(done.name()).as(response.body()).isEqualTo("done");
        List<JsonNode> toolEvents = events.stream().filter(e -> e.name().equals("tool")).map(e -> JSON.readTree(e.data()))
                .toList();
        toolEvents.forEach(ToolCallingTests::assertIsARunOfTheAppsTools);
        assertThat(events.stream().map(Sse.Event::name).collect(Collectors.toSet())).isSubsetOf("tool", "message", "done");
        JsonNode doneBody = JSON.readTree(done.data());
        assertThat(doneBody.get("toolCalls").valueStream().toList()).isEqualTo(toolEvents);
        assertThat(doneBody.at("/stats/nfe").asInt()).isPositive();
    }

    @Test
    void anInvalidKnobOnAToolStreamIs400BeforeAnyEvent() throws Exception {
        HttpResponse<String> response = postJson("/api/chat/stream", "{\"message\":\"" + WEATHER + "\",\"tools\":true,"
                + "\"gamma\":1.5}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asString()).containsIgnoringCase("gamma");
    }

    @Test
    void withoutToolsNothingIsOfferedAndToolChoiceAloneIs400() throws Exception {
        HttpResponse<String> plain = postJson("/api/chat", "{\"message\":\"" + WEATHER + "\",\"maxTokens\":16}");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        assertThat(JSON.readTree(plain.body()).get("toolCalls").isEmpty()).isTrue();

        HttpResponse<String> choiceOnly = postJson("/api/chat", "{\"message\":\"hi\",\"toolChoice\":\"required\"}");
        assertThat(choiceOnly.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(choiceOnly.body()).get("detail").asString()).contains("\"tools\": true");

        HttpResponse<String> badChoice = postJson("/api/chat", "{\"message\":\"hi\",\"tools\":true,\"toolChoice\":\"always\"}");
        assertThat(badChoice.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badChoice.body()).get("detail").asString()).contains("auto, required, none");
    }

    @Test
    void toolChoiceNoneAnswersInTextWithTheToolsDescribed() throws Exception {
        HttpResponse<String> none = postJson("/api/chat", "{\"message\":\"" + WEATHER + "\",\"tools\":true,"
                + "\"toolChoice\":\"none\",\"maxTokens\":16}");
        HttpResponse<String> without = postJson("/api/chat", "{\"message\":\"" + WEATHER + "\",\"maxTokens\":16}");

        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(none.body());
        assertThat(body.get("toolCalls").isEmpty()).isTrue();
        assertThat(body.get("finishReason").asString()).isIn("STOP", "LENGTH");
        // The tools are still described in the prompt (the model's template gives each a line: name(param,...)).
        assertThat(body.at("/usage/promptTokens").asInt())
                .isGreaterThan(JSON.readTree(without.body()).at("/usage/promptTokens").asInt()
                        + "get_weather(city)book_flight(from,to,seat)convert_currency(amount,from,to)".length());
    }

    @Test
    void infoListsTheToolsWithTheirSchemas() throws Exception {
        JsonNode tools = JSON.readTree(get("/api/info").body()).get("tools");

        assertThat(tools.valueStream().map(t -> t.get("name").asString()).toList())
                .containsExactlyInAnyOrder("get_weather", "book_flight", "convert_currency");
        for (JsonNode tool : tools) {
            assertThat(tool.get("description").asString()).isNotBlank();
            assertThat(JSON.readTree(tool.get("inputSchema").asString()).get("type").asString()).isEqualTo("object");
        }
    }

    /** A run names one of the app's tools, its arguments are a JSON object, its result has that tool's shape. */
    static void assertIsARunOfTheAppsTools(JsonNode run) {
        String name = run.get("name").asString();
        assertThat(name).isIn(TravelTools.NAMES);
        JsonNode arguments = JSON.readTree(run.get("arguments").asString());
        assertThat(arguments.isObject()).as(run.toString()).isTrue();
        String result = run.get("result").asString();
        if (result.startsWith("failed: ")) {
            // Random weights can write an integer that does not fit the tool's int parameter.
            assertThat(name).isEqualTo("convert_currency");
            return;
        }
        Map<String, String> shapes = Map.of("get_weather", TravelToolsTests.WEATHER_SHAPE,
                "book_flight", TravelToolsTests.FLIGHT_SHAPE, "convert_currency", TravelToolsTests.CURRENCY_SHAPE);
        assertThat(result).as(run.toString()).matches(shapes.get(name));
        TravelTools tools = new TravelTools();
        String expected = switch (name) {
            case "get_weather" -> tools.getWeather(arguments.get("city").asString());
            case "book_flight" -> tools.bookFlight(arguments.get("from").asString(), arguments.get("to").asString(),
                    arguments.get("seat").asString());
            default -> tools.convertCurrency(arguments.get("amount").asInt(), arguments.get("from").asString(),
                    arguments.get("to").asString());
        };
        assertThat(result).isEqualTo(expected);
    }
}
