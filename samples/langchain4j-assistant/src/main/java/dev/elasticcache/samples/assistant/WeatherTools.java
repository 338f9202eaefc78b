package dev.elasticcache.samples.assistant;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.Locale;

/**
 * The assistant's tool: a made-up weather report for a city, always 13 characters ({@code "12C and rainy"}: a
 * two-digit temperature from 10 to 35 C and one five-letter sky word), the fixed-width shape the shipped model
 * learnt to quote. Deterministic per city (case and surrounding blanks ignored); no network.
 *
 * <p>Passed to {@code AiServices.builder(...).tools(new WeatherTools())}: LangChain4j offers it to the model as
 * {@code get_weather(city: string)}, runs it when the answer is a call, and sends the result back.
 */
public final class WeatherTools {
    private static final String[] SKIES = {"rainy", "sunny", "windy", "foggy", "snowy", "misty", "humid", "clear"};

    @Tool(name = "get_weather", value = "Current weather of a city.")
    public String getWeather(@P("the city name") String city) {
        return report(city);
    }

    /** The report for {@code city}: {@code "<10..35>C and <sky>"}. */
    public static String report(String city) {
        String key = city == null ? "" : city.strip().toLowerCase(Locale.ROOT);
        int h = Math.floorMod(key.hashCode(), 26 * SKIES.length);
        return (10 + h % 26) + "C and " + SKIES[h / 26];
    }
}
