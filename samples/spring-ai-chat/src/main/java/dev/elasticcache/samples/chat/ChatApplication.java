package dev.elasticcache.samples.chat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Elastic-Cache chat web app: a chat page, a JSON/SSE chat API with a baseline comparison, an
 * OpenAI-compatible API and Actuator, all on the Spring AI {@code ChatModel} that the Elastic-Cache starter
 * auto-configures (the embedded {@code tiny-llada} model unless {@code spring.ai.elastic-cache.model-dir} is set).
 */
@SpringBootApplication
public class ChatApplication {

    public static void main(String[] args) {
        // Nothing is downloaded at run time (DJL would otherwise look for native builds and report usage).
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        SpringApplication.run(ChatApplication.class, args);
    }
}
