package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.testsupport.TravelValues;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.scope.ResultWithAgenticScope;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Agents and chains on the shipped tool model ({@value EmbeddedModel#TOOLS_NAME}), as a LangChain4j user writes
 * them: an {@code AiServices} assistant with {@code @Tool} methods, a record answer, and a langchain4j-agentic
 * sequence that chains a record reader into a flight-booking agent. Every value is drawn at random here (cities,
 * airport codes, seats, amounts the model never saw as such); tool choice stays {@code auto}, so the model itself
 * decides to call, which tool, with which arguments, and answers from the tool's result.
 */
@EnabledIf("toolModelPresent")
class ToolModelAgentsTest {

    static boolean toolModelPresent() {
        return ToolModelAgentsTest.class.getClassLoader()
                .getResource(EmbeddedModel.resourceFolder(EmbeddedModel.TOOLS_NAME) + "model.safetensors") != null;
    }

    /** The travel desk's tools: results in the fixed shapes the model learnt to quote; every call recorded. */
    public static final class TravelDesk {
        private static final String[] SKIES = {"rainy", "sunny", "windy", "foggy", "snowy", "misty", "humid", "clear"};
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool(name = "get_weather", value = "Current weather of a city.")
        public String getWeather(@P("City name") String city) {
            calls.add("get_weather " + city);
            return weather(city);
        }

        @Tool(name = "book_flight", value = "Book a flight.")
        public String bookFlight(@P("airport code") String from, @P("airport code") String to, @P("seat like 12C") String seat) {
            calls.add("book_flight " + from + " " + to + " " + seat);
            return booking(from, to, seat);
        }

        @Tool(name = "convert_currency", value = "Convert money between currencies.")
        public String convertCurrency(@P("how much") int amount, @P("currency code") String from,
                @P("currency code") String to) {
            calls.add("convert_currency " + amount + " " + from + " " + to);
            return conversion(amount, from, to);
        }

        static String weather(String city) {
            int h = Math.floorMod(city.hashCode(), 26 * SKIES.length);
            return (10 + h % 26) + "C and " + SKIES[h / 26];
        }

        static String booking(String from, String to, String seat) {
            return String.format(Locale.ROOT, "booking %c%c%c%03d confirmed", from.charAt(0), to.charAt(0),
                    seat.charAt(seat.length() - 1), Math.floorMod((from + to + seat).hashCode(), 1000));
        }

        static String conversion(int amount, String from, String to) {
            int cents = 10_000 + Math.floorMod((amount + from + to).hashCode(), 90_000);
            return String.format(Locale.ROOT, "%d.%02d %s", cents / 100, cents % 100, to);
        }
    }

    /** The assistant: LangChain4j runs the tool loop (call, execute, send the result back, answer). */
    public interface TravelAssistant {
        String chat(String message);
    }

    /** A booking record, answered by infilling the JSON schema LangChain4j derives from it. */
    public record Booking(String id, String from, String to, String seat, String gate, String travelClass, int bag) {}

    public interface BookingReader {
        @UserMessage("Record to JSON: {{record}}")
        @Agent(description = "Reads a booking record into its fields", outputKey = "booking")
        Booking read(@V("record") String record);
    }

    public interface FlightBooker {
        @UserMessage("Book a flight from {{from}} to {{to}}, seat {{seat}}.")
        @Agent(description = "Books the flight of a booking with the book_flight tool", outputKey = "confirmation")
        String book(@V("from") String from, @V("to") String to, @V("seat") String seat);
    }

    /** The README's tool, as written there. */
    public static final class Flights {
        @Tool(name = "book_flight", value = "Book a flight.")
        public String bookFlight(@P("airport code") String from, @P("airport code") String to, @P("seat like 12C") String seat) {
            return "booking " + from.charAt(0) + to.charAt(0) + seat.charAt(2) + "042 confirmed";    // your booking system
        }
    }

    public interface Reader {
        @UserMessage("Record to JSON: {{it}}")
        Booking read(String record);
    }

    static ElasticCacheChatModel model;

    @BeforeAll
    static void load() {
        model = ElasticCacheChatModel.builder().embeddedModel(EmbeddedModel.TOOLS_NAME)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(64).temperature(0.0).build())
                .build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theAssistantCallsTheRightToolWithTheQuestionsValuesAndAnswersWithItsResult() {
        TravelDesk desk = new TravelDesk();
        TravelAssistant assistant = AiServices.builder(TravelAssistant.class).chatModel(model).tools(desk).build();
        TravelValues values = new TravelValues(20261208);
        List<String> wrong = new ArrayList<>();
        int cases = 10;
        for (int i = 0; i < cases; i++) {
            desk.calls.clear();
            String question;
            String expectedCall;
            String result;
            switch (i % 3) {
                case 0 -> {
                    String city = values.city();
                    question = "What is the weather in " + city + "?";
                    expectedCall = "get_weather " + city;
                    result = TravelDesk.weather(city);
                }
                case 1 -> {
                    String from = values.letters(3), to = values.letters(3), seat = values.seat();
                    question = "Book a flight from " + from + " to " + to + ", seat " + seat + ".";
                    expectedCall = "book_flight " + from + " " + to + " " + seat;
                    result = TravelDesk.booking(from, to, seat);
                }
                default -> {
                    int amount = values.amount();
                    String from = values.letters(3), to = values.letters(3);
                    question = "Convert " + amount + " " + from + " to " + to + ".";
                    expectedCall = "convert_currency " + amount + " " + from + " " + to;
                    result = TravelDesk.conversion(amount, from, to);
                }
            }
            String answer = assistant.chat(question);
            System.out.printf("assistant: %s -> %s | %s%n", question, desk.calls, answer);
            if (!desk.calls.equals(List.of(expectedCall)) || !answer.contains(result)) {
                wrong.add(question + " -> " + desk.calls + " | " + answer);
            }
        }
        // "Lesldoohg" once got a second, invented call: the test for another call probed after the first call
        // re-encoded as compact text, a state the model never saw; it now probes after the call as decoded.
        assertThat(wrong).as("requests answered wrongly").isEmpty();
    }

    /** A desk whose booking system is down: the call fails with an exception. */
    public static final class BrokenDesk {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool(name = "book_flight", value = "Book a flight.")
        public String bookFlight(@P("airport code") String from, @P("airport code") String to, @P("seat like 12C") String seat) {
            calls.add(from + " " + to + " " + seat);
            throw new IllegalStateException("booking system down");
        }
    }

    /** A tool that throws: LangChain4j sends the error back as the tool's result, the model answers, nothing hangs. */
    @Test
    void aToolThatThrowsIsAnsweredAndTheNextRequestIsServed() {
        BrokenDesk broken = new BrokenDesk();
        TravelAssistant assistant = AiServices.builder(TravelAssistant.class).chatModel(model).tools(broken).build();

        String answer = assistant.chat("Book a flight from KLM to ZRH, seat 12C.");

        assertThat(broken.calls).containsExactly("KLM ZRH 12C");
        assertThat(answer).isNotNull();
        TravelDesk desk = new TravelDesk();
        assertThat(AiServices.builder(TravelAssistant.class).chatModel(model).tools(desk).build()
                .chat("What is the weather in Oslo?")).isEqualTo("The weather is " + TravelDesk.weather("Oslo") + ".");
    }

    /** The README's LangChain4j example gives the answers the README shows. */
    @Test
    void theReadmeExampleAnswersAsShown() {
        // Built as the README builds it: the engine's defaults (generation length 128), no request parameters.
        try (ElasticCacheChatModel readme = ElasticCacheChatModel.builder().embeddedModel("tiny-llada-tools").build()) {
            TravelAssistant travel = AiServices.builder(TravelAssistant.class).chatModel(readme).tools(new Flights()).build();
            assertThat(travel.chat("Book a flight from PSK to UJX, seat 70V.")).isEqualTo("Done: booking PUV042 confirmed.");
            assertThat(AiServices.create(Reader.class, readme).read("id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7"))
                    .isEqualTo(new Booking("36291742", "PSK", "UJX", "70V", "V71", "W", 7));
        }
    }

    @Test
    void aRecordAnswerHoldsTheValuesOfTheRecord() {
        BookingReader reader = AiServices.create(BookingReader.class, model);
        TravelValues values = new TravelValues(8);
        for (int i = 0; i < 4; i++) {
            Booking expected = booking(values);
            Booking read = reader.read(recordLine(expected));
            System.out.printf("record: %s -> %s%n", recordLine(expected), read);
            assertThat(read).isEqualTo(expected);
        }
    }

    @Test
    void aSequenceChainsTheRecordReaderIntoTheFlightBooker() {
        TravelDesk desk = new TravelDesk();
        BookingReader reader = AgenticServices.agentBuilder(BookingReader.class).chatModel(model).build();
        FlightBooker booker = AgenticServices.agentBuilder(FlightBooker.class).chatModel(model).tools(desk).build();
        UntypedAgent workflow = AgenticServices.sequenceBuilder()
                .subAgents(reader, AgenticServices.agentAction(scope -> {
                    // The record's fields become the booker's template variables.
                    Booking b = (Booking) scope.readState("booking");
                    scope.writeState("from", b.from());
                    scope.writeState("to", b.to());
                    scope.writeState("seat", b.seat());
                }), booker)
                .outputKey("confirmation")
                .build();
        TravelValues values = new TravelValues(31);
        for (int i = 0; i < 2; i++) {
            desk.calls.clear();
            Booking booking = booking(values);
            ResultWithAgenticScope<String> run = workflow.invokeWithAgenticScope(Map.of("record", recordLine(booking)));
            System.out.printf("chain: %s -> %s | %s%n", recordLine(booking), desk.calls, run.result());
            assertThat(run.agenticScope().readState("booking")).isEqualTo(booking);
            assertThat(desk.calls).containsExactly("book_flight " + booking.from() + " " + booking.to() + " " + booking.seat());
            assertThat(run.result()).contains(TravelDesk.booking(booking.from(), booking.to(), booking.seat()));
        }
    }

    static String recordLine(Booking b) {
        return TravelValues.recordLine(b.id(), b.from(), b.to(), b.seat(), b.gate(), b.travelClass(), b.bag());
    }

    static Booking booking(TravelValues values) {
        return new Booking(values.digits(8), values.letters(3), values.letters(3), values.seat(), values.gate(),
                values.travelClass(), values.bag());
    }
}
