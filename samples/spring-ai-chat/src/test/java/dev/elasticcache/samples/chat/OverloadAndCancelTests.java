package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.spring.ai.GenerationStatsListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * With one decoding slot and no waiting room ({@code max-batch-size=1}, {@code queue-capacity=0}) a request
 * arriving while another decodes is refused with 429 and {@code Retry-After}; a client that hangs up on a stream
 * cancels its generation, freeing the engine.
 * Runs a random model wide enough that a long generation takes far longer than the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.ai.elastic-cache.queue-capacity=0",
        "spring.ai.elastic-cache.max-batch-size=1",
        "elastic-cache.sample.sse-heartbeat=200ms"})
@Import(OverloadAndCancelTests.Recorder.class)
class OverloadAndCancelTests {

    private static final Path WIDE = Path.of("target", "test-models", "random-wide-llada").toAbsolutePath();
    private static final int LONG_TOKENS = 512;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    Recorder recorder;

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        // The app's application.properties names an embedded model: a model folder replaces it.
        registry.add("spring.ai.elastic-cache.embedded-model", () -> "");
        registry.add("spring.ai.elastic-cache.model-dir", () -> {
            if (!Files.isRegularFile(WIDE.resolve("config.json"))) {
                RandomCheckpoint.write(WIDE, RandomCheckpoint.tinyConfig().dModel(128).nHeads(4).nLayers(4)
                        .mlpHiddenSize(256).build(), 11, DType.F32, 1);
            }
            return WIDE.toString();
        });
    }

    @Test
    void busyEngineAnswers429AndAHungUpStreamIsCancelled() throws Exception {
        // A long vanilla-LLaDA generation: LONG_TOKENS full forward passes.
        try (Socket stream = new Socket("localhost", port)) {
            String body = "{\"message\":\"Count\",\"strategy\":\"llada\",\"maxTokens\":" + LONG_TOKENS + "}";
            OutputStream out = stream.getOutputStream();
            out.write(("POST /api/chat/stream HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Accept: text/event-stream\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8));
            // The status line arrives once the generation was admitted.
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");

            HttpResponse<String> refused = post("/api/chat", "{\"message\":\"hi\",\"maxTokens\":8}");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                    v -> assertThat(Long.parseLong(v)).isPositive());
            assertThat(JSON.readTree(refused.body()).get("detail").asString()).contains("overloaded");

            HttpResponse<String> refusedStream = post("/api/chat/stream", "{\"message\":\"hi\",\"maxTokens\":8}");
            assertThat(refusedStream.statusCode()).isEqualTo(429);

            HttpResponse<String> refusedOpenAi = post("/v1/chat/completions",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":8}");
            assertThat(refusedOpenAi.statusCode()).isEqualTo(429);
            assertThat(refusedOpenAi.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.readTree(refusedOpenAi.body()).at("/error/type").asString()).isEqualTo("rate_limit_error");
        } // hang up

        // The engine frees up long before LONG_TOKENS forward passes could finish...
        long start = System.nanoTime();
        HttpResponse<String> after;
        do {
            Thread.sleep(100);
            after = post("/api/chat", "{\"message\":\"hi\",\"strategy\":\"llada\",\"maxTokens\":32}");
        } while (after.statusCode() == 429 && System.nanoTime() - start < Duration.ofSeconds(60).toNanos());
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        // ...because it was cancelled: the only generation that completed is the short one.
        List<Integer> completedNfe = recorder.results.stream().map(r -> r.stats().nfe()).toList();
        assertThat(completedNfe).containsExactly(32);
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return LocalHttp.postJson(port, path, json);
    }

    /** Records every generation that ran to completion. */
    @TestConfiguration
    static class Recorder implements GenerationStatsListener {
        final List<GenerationResult> results = new CopyOnWriteArrayList<>();

        @Override
        public void onGeneration(GenerationResult result) {
            results.add(result);
        }
    }
}
