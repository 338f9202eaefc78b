package dev.elasticcache.samples.quickstart;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/** A Java tool the model calls; it records the cities it was asked about. */
public class WeatherTools {
    private final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool(name = "get_weather", description = "Current weather of a city")
    public String getWeather(@ToolParam(description = "City name") String city) {
        cities.add(city);
        return "12C and rainy";
    }

    public List<String> cities() {
        return List.copyOf(cities);
    }
}
