package dev.elasticcache.samples.chat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run the whole app on a random port. Every subclass shares one application context
 * (same configuration), so the model loads once per test run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Short answers keep the tests quick on a busy machine.
        "spring.ai.elastic-cache.chat.options.max-tokens=32",
        "spring.ai.elastic-cache.chat.options.block-length=16",
        // One tool execution per answer (the app allows 4): a model that keeps calling tools ends after one round
        // trip, so tool tests take two rounds at most on any weights.
        "spring.ai.tools.limits.max-total-tool-calls=1"})
abstract class AppTest {

    /**
     * A short prompt outside the embedded model's task families: it answers at once with EOS (finish reason EMPTY,
     * with a hint); the random model just produces some text for it. Tests of the mechanism, not of answers.
     */
    static final String PROMPT = "Sort: 5 3 9";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        TestModels.register(registry);
    }

    URI uri(String path) {
        return LocalHttp.uri(port, path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return LocalHttp.get(port, path);
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return LocalHttp.postJson(port, path, json);
    }
}
