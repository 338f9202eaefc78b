package dev.elasticcache.samples.chat;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.ai.tool.execution.ToolCallResultConverter;
import org.springframework.stereotype.Component;

/**
 * The Java tools the chat offers the model ({@code "tools": true} on {@code /api/chat}): made-up but deterministic
 * travel services. Their results have the fixed shapes the shipped model learned to quote (it copies a result
 * from a fixed offset into its answer), so each tool always answers in exactly one shape:
 * <ul>
 * <li>{@code get_weather(city)}: {@code "NNC and CCCCC"}, a temperature of 10-35 and one of eight 5-letter
 * conditions, derived from the city name ({@code "12C and rainy"});</li>
 * <li>{@code book_flight(from, to, seat)}: {@code "booking XXXNNN confirmed"}, a reference of the first letters of
 * the two airports and of the seat, and three digits derived from all three ({@code PUV…} for PSK, UJX, 70V);</li>
 * <li>{@code convert_currency(amount, from, to)}: {@code "NNN.NN XXX"}, an amount of 100.00-999.99 in the target
 * currency (a made-up quote, not an exchange rate).</li>
 * </ul>
 * Results are plain text ({@link PlainText}): Spring AI's default converter would send a String result as a JSON
 * string literal, quotes included.
 */
@Component
public class TravelTools {
    static final String WEATHER = "get_weather";
    static final String FLIGHT = "book_flight";
    static final String CURRENCY = "convert_currency";
    static final List<String> NAMES = List.of(WEATHER, FLIGHT, CURRENCY);
    private static final String[] CONDITIONS = {"rainy", "sunny", "windy", "foggy", "snowy", "misty", "humid", "clear"};

    @Tool(name = WEATHER, description = "Current weather of a city.", resultConverter = PlainText.class)
    public String getWeather(@ToolParam(description = "City name") String city) {
        int h = hash(normalize(city));
        return (10 + Math.floorMod(h, 26)) + "C and " + CONDITIONS[Math.floorMod(h / 26, CONDITIONS.length)];
    }

    @Tool(name = FLIGHT, description = "Book a flight.", resultConverter = PlainText.class)
    public String bookFlight(@ToolParam(description = "airport code") String from,
            @ToolParam(description = "airport code") String to, @ToolParam(description = "seat like 12C") String seat) {
        String reference = "" + first(from) + first(to) + first(seat);
        int number = Math.floorMod(hash(normalize(from) + "/" + normalize(to) + "/" + normalize(seat)), 1000);
        return "booking " + reference + String.format(Locale.ROOT, "%03d", number) + " confirmed";
    }

    @Tool(name = CURRENCY, description = "Convert money between currencies.", resultConverter = PlainText.class)
    public String convertCurrency(@ToolParam(description = "how much") int amount,
            @ToolParam(description = "currency code") String from, @ToolParam(description = "currency code") String to) {
        String target = normalize(to);
        int cents = 10_000 + Math.floorMod(hash(amount + " " + normalize(from) + " " + target), 90_000);
        return String.format(Locale.ROOT, "%d.%02d %s", cents / 100, cents % 100, target.isEmpty() ? "XXX" : target);
    }

    /** This bean's tools as Spring AI tool callbacks. */
    List<ToolCallback> callbacks() {
        return List.of(ToolCallbacks.from(this));
    }

    private static String normalize(@Nullable String s) {
        return s == null ? "" : s.strip().toUpperCase(Locale.ROOT);
    }

    /** The upper-case ASCII letters of {@code s}. */
    private static String letters(@Nullable String s) {
        return normalize(s).replaceAll("[^A-Z]", "");
    }

    /** The first letter of {@code code}, upper case ({@code X} when it has none). */
    private static char first(@Nullable String code) {
        String l = letters(code);
        return l.isEmpty() ? 'X' : l.charAt(0);
    }

    /** FNV-1a over the UTF-16 units: stable across JVMs and runs. */
    private static int hash(String s) {
        int h = 0x811c9dc5;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x01000193;
        }
        return h;
    }

    /** Passes a String result through unchanged (Spring AI's default would quote it as JSON). */
    public static final class PlainText implements ToolCallResultConverter {
        private static final org.springframework.ai.tool.execution.DefaultToolCallResultConverter JSON =
                new org.springframework.ai.tool.execution.DefaultToolCallResultConverter();

        @Override
        public String convert(@Nullable Object result, @Nullable Type returnType) {
            return result instanceof String s ? s : JSON.convert(result, returnType);
        }
    }
}
