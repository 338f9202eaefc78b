package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.ToolCallback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Java tools on their own: deterministic results in exactly the shapes the shipped model quotes from a fixed
 * offset, plain text (not JSON string literals) through Spring AI's tool callbacks, and schemas the engine reads.
 */
class TravelToolsTests {

    static final String WEATHER_SHAPE = "[1-3][0-9]C and (rainy|sunny|windy|foggy|snowy|misty|humid|clear)";
    static final String FLIGHT_SHAPE = "booking [A-Z]{3}[0-9]{3} confirmed";
    static final String CURRENCY_SHAPE = "[1-9][0-9]{2}\\.[0-9]{2} \\S+";

    private final TravelTools tools = new TravelTools();

    @Test
    void weatherIsATemperatureOf10To35AndAFiveLetterConditionDerivedFromTheCity() {
        for (String city : List.of("Oslo", "Berlin", "Qx", "Zurichabcd", "", "  oslo ", "Łódź")) {
            String result = tools.getWeather(city);
            assertThat(result).as(city).matches(WEATHER_SHAPE);
            int temperature = Integer.parseInt(result.substring(0, 2));
            assertThat(temperature).isBetween(10, 35);
            assertThat(tools.getWeather(city)).isEqualTo(result);
        }
        assertThat(tools.getWeather(" oslo")).isEqualTo(tools.getWeather("OSLO"));
        // Different cities give different weather (not one fixed answer).
        assertThat(List.of("Oslo", "Berlin", "Paris", "Rome", "Lima", "Kyiv").stream().map(tools::getWeather)
                .collect(Collectors.toSet())).hasSizeGreaterThan(1);
    }

    @Test
    void flightReferenceIsThreeLettersAndThreeDigitsFromTheCodes() {
        assertThat(tools.bookFlight("PSK", "UJX", "70V")).matches(FLIGHT_SHAPE).startsWith("booking PUV");
        assertThat(tools.bookFlight("psk", "ujx", "70v")).isEqualTo(tools.bookFlight("PSK", "UJX", "70V"));
        assertThat(tools.bookFlight("", "1", null)).isEqualTo("booking XXX" + tools.bookFlight("", "1", null).substring(11));
        assertThat(tools.bookFlight("", "1", null)).matches(FLIGHT_SHAPE);
    }

    @Test
    void conversionIsAnAmountOf100To999InTheTargetCurrency() {
        for (int amount : new int[] {0, 1, 120, 9999, -5, Integer.MAX_VALUE}) {
            String result = tools.convertCurrency(amount, "USD", "EUR");
            assertThat(result).as("%d", amount).matches("[1-9][0-9]{2}\\.[0-9]{2} EUR");
            double value = Double.parseDouble(result.substring(0, 6));
            assertThat(value).isBetween(100.0, 999.99);
        }
        assertThat(tools.convertCurrency(120, "usd", " eur ")).isEqualTo(tools.convertCurrency(120, "USD", "EUR"));
        assertThat(tools.convertCurrency(120, "USD", "")).endsWith(" XXX");
    }

    @Test
    void callbacksReturnPlainTextAndDescribeTheArgumentsAsTheEngineReadsThem() {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, ToolCallback> byName = tools.callbacks().stream()
                .collect(Collectors.toMap(c -> c.getToolDefinition().name(), c -> c));
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(TravelTools.NAMES);

        // Spring AI's default converter would answer "\"12C and rainy\"": the model quotes the result verbatim.
        assertThat(byName.get("get_weather").call("{\"city\":\"Oslo\"}")).isEqualTo(tools.getWeather("Oslo"));
        assertThat(byName.get("book_flight").call("{\"from\":\"PSK\",\"to\":\"UJX\",\"seat\":\"70V\"}"))
                .isEqualTo(tools.bookFlight("PSK", "UJX", "70V"));
        assertThat(byName.get("convert_currency").call("{\"amount\":120,\"from\":\"USD\",\"to\":\"EUR\"}"))
                .isEqualTo(tools.convertCurrency(120, "USD", "EUR"));

        JsonNode currency = json.readTree(byName.get("convert_currency").getToolDefinition().inputSchema());
        assertThat(currency.at("/properties/amount/type").asString()).isEqualTo("integer");
        assertThat(currency.get("properties").propertyNames()).containsExactly("amount", "from", "to");
        JsonNode flight = json.readTree(byName.get("book_flight").getToolDefinition().inputSchema());
        assertThat(flight.get("required").valueStream().map(JsonNode::asString).toList())
                .containsExactly("from", "to", "seat");
    }
}
