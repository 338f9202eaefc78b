package dev.elasticcache.samples.assistant;

import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.langchain4j.ElasticCacheChatModel;
import dev.elasticcache.langchain4j.ElasticCacheChatRequestParameters;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Command-line assistant on the embedded tool model {@code tiny-llada-tools} (or {@code -Dassistant.model-dir=DIR}),
 * with the {@link WeatherTools#getWeather get_weather} tool ("What is the weather in Oslo?").
 *
 * <pre>
 * ./mvnw -q -f samples/langchain4j-assistant exec:java                                  # chat, one line per turn
 * ./mvnw -q -f samples/langchain4j-assistant exec:java -Dexec.args="Uppercase these words: robot flame heart queen lemon mango water radio noble house"        # one question
 * </pre>
 *
 * System properties: {@code assistant.model-dir}, {@code assistant.strategy} (default elastic),
 * {@code assistant.max-tokens} (64), {@code assistant.gamma} (0.9), {@code assistant.memory} (messages kept, 10).
 */
public final class AssistantApp {

    private AssistantApp() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        try (ElasticCacheChatModel model = model()) {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            run(new AssistantSession(model, Integer.getInteger("assistant.memory", 10), new WeatherTools()), args,
                    stdin, System.out, model.modelName());
        }
    }

    /** The chat model the properties describe. */
    static ElasticCacheChatModel model() {
        ElasticCacheChatModel.Builder builder = ElasticCacheChatModel.builder()
                .defaultRequestParameters(ElasticCacheChatRequestParameters.builder()
                        .strategy(System.getProperty("assistant.strategy", "elastic"))
                        .maxOutputTokens(Integer.getInteger("assistant.max-tokens", 64))
                        .gamma(Double.parseDouble(System.getProperty("assistant.gamma", "0.9")))
                        .build());
        String dir = System.getProperty("assistant.model-dir");
        if (dir != null && !dir.isBlank()) {
            builder.modelDir(Path.of(dir));
        } else {
            builder.embeddedModel(EmbeddedModel.TOOLS_NAME);
        }
        return builder.build();
    }

    /**
     * With arguments: answers them as one question. Without: answers each line of {@code in} until end of
     * input or a line {@code exit}; the conversation is remembered.
     */
    static void run(AssistantSession session, String[] args, BufferedReader in, PrintStream out, String modelName)
            throws IOException {
        if (args.length > 0) {
            answer(session, String.join(" ", args), out);
            return;
        }
        out.println("Elastic-Cache assistant on " + modelName + ". One message per line; 'exit' or end of input quits.");
        for (;;) {
            out.print("> ");
            out.flush();
            String line = in.readLine();
            if (line == null || line.strip().equals("exit")) {
                return;
            }
            if (!line.isBlank()) {
                answer(session, line.strip(), out);
            }
        }
    }

    private static void answer(AssistantSession session, String question, PrintStream out) {
        try {
            AssistantSession.Turn turn = session.ask(question);
            out.println(turn.answer());
            out.println(turn.statsLine());
        } catch (RuntimeException e) { // invalid input, or a model that keeps calling tools: the session goes on
            out.println("error: " + e.getMessage());
        }
    }
}
