package dev.elasticcache.samples.quickstart;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.ai.chat.client.ChatClient;

/** Tool calling and structured output through {@link ChatClient}, as the Spring AI reference shows them. */
public class TravelAssistant {
    private final ChatClient chat;
    private final WeatherTools tools;

    /** A booking record: Spring AI derives its JSON Schema, the engine infills it. */
    public record Booking(String id, String from, String to, String seat, String gate,
            @JsonProperty("class") String travelClass, int bag) {}

    public TravelAssistant(ChatClient chat, WeatherTools tools) {
        this.chat = chat;
        this.tools = tools;
    }

    /** Runs Spring AI's tool loop: the model calls get_weather, the tool runs, the model answers from its result. */
    public String ask(String question) {
        return chat.prompt().user(question).tools(tools).call().content();
    }

    /** The answer as a record, decoded by infilling the record's schema (valid by construction). */
    public Booking booking(String record) {
        return chat.prompt().user(record).call().entity(Booking.class, spec -> spec.useProviderStructuredOutput());
    }

    /**
     * The same without native structured output: Spring AI appends its format instructions to the prompt; the
     * model takes the schema out of them and infills it the same way.
     */
    public Booking bookingFromInstructions(String record) {
        return chat.prompt().user(record).call().entity(Booking.class);
    }

    public WeatherTools tools() {
        return tools;
    }
}
