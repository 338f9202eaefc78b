package dev.elasticcache.samples.chat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Elastic-Cache chat web app: a chat page, a JSON/SSE chat API with a baseline comparison, Java tools that
 * Spring AI's tool loop runs ({@link TravelTools}), a record filled by structured output ({@link Booking}), an
 * OpenAI-compatible API (tools, tool messages and JSON Schema response formats, executed by the client) and
 * Actuator, all on the Spring AI {@code ChatModel} that the Elastic-Cache starter auto-configures (the embedded
 * {@code tiny-llada} model unless {@code spring.ai.elastic-cache.model-dir} is set).
 */
@SpringBootApplication
public class ChatApplication {

    public static void main(String[] args) {
        // Nothing is downloaded at run time (DJL would otherwise look for native builds and report usage).
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        SpringApplication.run(ChatApplication.class, args);
    }
}
