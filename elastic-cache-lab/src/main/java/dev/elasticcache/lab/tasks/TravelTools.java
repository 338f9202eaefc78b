package dev.elasticcache.lab.tasks;

import com.google.gson.JsonObject;
import dev.elasticcache.structured.ToolDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The tools of the tool-calling families and one random request for one of them. Tools are offered in random
 * order, with random short descriptions (or none) for the tool and each parameter, sometimes with an unrelated
 * extra tool, always including the one the request needs: the model must tell the tools by their names.
 * Tool results have one width per tool, so the answer quoting a result copies it from a fixed distance.
 */
final class TravelTools {
    static final String WEATHER = "get_weather";
    static final String FLIGHT = "book_flight";
    static final String CURRENCY = "convert_currency";
    private static final String[] CONDITIONS = {"rainy", "sunny", "windy", "foggy", "snowy", "misty", "humid", "clear"};

    private static final List<String> WEATHER_DOCS = List.of("", "Current weather of a city.", "Get the weather.",
            "Weather report for a place.", "Looks up today's weather.", "Returns temperature and sky.");
    private static final List<String> FLIGHT_DOCS = List.of("", "Book a flight.", "Reserve a seat on a flight.",
            "Books a plane ticket.", "Makes a flight booking.");
    private static final List<String> CURRENCY_DOCS = List.of("", "Convert money between currencies.",
            "Currency converter.", "Exchange an amount.", "Converts an amount of money.");
    private static final List<String> EXTRA = List.of("get_time", "send_email", "search_web", "get_news");

    private TravelTools() {}

    /** A drawn request: the user's words, the call it needs, the tool's result and the answer quoting it. */
    record Request(String text, String tool, JsonObject arguments, String result, String answer) {}

    static Request request(Random random) {
        switch (random.nextInt(3)) {
            case 0: {
                String city = city(random);
                JsonObject args = new JsonObject();
                args.addProperty("city", city);
                String result = (10 + random.nextInt(26)) + "C and " + CONDITIONS[random.nextInt(CONDITIONS.length)];
                return new Request("What is the weather in " + city + "?", WEATHER, args, result,
                        "The weather is " + result + ".");
            }
            case 1: {
                String from = Words.letters(random, 3);
                String to = Words.letters(random, 3);
                String seat = Words.digits(random, 2) + Words.letters(random, 1);
                JsonObject args = new JsonObject();
                args.addProperty("from", from);
                args.addProperty("to", to);
                args.addProperty("seat", seat);
                String result = "booking " + Words.letters(random, 3) + Words.digits(random, 3) + " confirmed";
                return new Request("Book a flight from " + from + " to " + to + ", seat " + seat + ".", FLIGHT, args,
                        result, "Done: " + result + ".");
            }
            default: {
                int amount = 1 + random.nextInt(9999);
                String from = Words.letters(random, 3);
                String to = Words.letters(random, 3);
                JsonObject args = new JsonObject();
                args.addProperty("amount", amount);
                args.addProperty("from", from);
                args.addProperty("to", to);
                String result = (100 + random.nextInt(900)) + "." + Words.digits(random, 2) + " " + to;
                return new Request("Convert " + amount + " " + from + " to " + to + ".", CURRENCY, args, result,
                        "That is " + result + ".");
            }
        }
    }

    /** A random city name: a capital and 2 to 9 lower-case letters (any letters, not a fixed list). */
    static String city(Random random) {
        int n = 3 + random.nextInt(8);
        StringBuilder s = new StringBuilder().append((char) ('A' + random.nextInt(26)));
        for (int i = 1; i < n; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** The offered tools: the needed one, each other one with probability 2/3, sometimes an extra; shuffled. */
    static List<ToolDefinition> offered(String needed, Random random) {
        List<ToolDefinition> tools = new ArrayList<>();
        for (String name : List.of(WEATHER, FLIGHT, CURRENCY)) {
            if (name.equals(needed) || random.nextInt(3) > 0) {
                tools.add(definition(name, random));
            }
        }
        if (random.nextInt(4) == 0) {
            String extra = EXTRA.get(random.nextInt(EXTRA.size()));
            tools.add(new ToolDefinition(extra, random.nextBoolean() ? "" : "Unrelated helper.",
                    schema(random, new String[] {"query"}, new String[] {"string"}, List.of("", "what to look up"))));
        }
        Collections.shuffle(tools, random);
        return tools;
    }

    static ToolDefinition definition(String name, Random random) {
        switch (name) {
            case WEATHER:
                return new ToolDefinition(name, Words.pick(WEATHER_DOCS, random),
                        schema(random, new String[] {"city"}, new String[] {"string"}, List.of("", "City name", "the city",
                                "Name of the place")));
            case FLIGHT:
                return new ToolDefinition(name, Words.pick(FLIGHT_DOCS, random),
                        schema(random, new String[] {"from", "to", "seat"}, new String[] {"string", "string", "string"},
                                List.of("", "airport code", "three letters", "seat like 12C")));
            default:
                return new ToolDefinition(name, Words.pick(CURRENCY_DOCS, random),
                        schema(random, new String[] {"amount", "from", "to"}, new String[] {"integer", "string", "string"},
                                List.of("", "currency code", "how much", "ISO code")));
        }
    }

    private static String schema(Random random, String[] names, String[] types, List<String> docs) {
        JsonObject properties = new JsonObject();
        com.google.gson.JsonArray required = new com.google.gson.JsonArray();
        for (int i = 0; i < names.length; i++) {
            JsonObject p = new JsonObject();
            p.addProperty("type", types[i]);
            String doc = Words.pick(docs, random);
            if (!doc.isEmpty() && random.nextBoolean()) {
                p.addProperty("description", doc);
            }
            properties.add(names[i], p);
            required.add(names[i]);
        }
        JsonObject schema = new JsonObject();
        schema.addProperty("type", "object");
        schema.add("properties", properties);
        schema.add("required", required);
        return schema.toString();
    }
}
