package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.tokenizer.DreamTokenizerFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The decoding view on a Dream folder (random weights, ChatML template): the prompt is rendered by the Dream
 * template, and the streamed steps cover the answer; the chat endpoint answers too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DreamDecodeStreamTests {
    private static final Path DREAM = Path.of("target", "test-models", "random-dream").toAbsolutePath();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        // The app's application.properties names an embedded model: a model folder replaces it.
        registry.add("spring.ai.elastic-cache.embedded-model", () -> "");
        registry.add("spring.ai.elastic-cache.model-dir", () -> {
            if (!Files.isRegularFile(DREAM.resolve("tokenizer.json"))) {
                DreamConfig config = RandomDreamCheckpoint.tinyConfig().maskTokenId(DreamTokenizerFiles.MASK)
                        .eosTokenId(DreamTokenizerFiles.ENDOFTEXT).padTokenId(DreamTokenizerFiles.ENDOFTEXT)
                        .bosTokenId(DreamTokenizerFiles.ENDOFTEXT).build();
                RandomDreamCheckpoint.write(DREAM, config, RandomDreamCheckpoint.weights(config, 4), DType.F32, 1);
                try {
                    DreamTokenizerFiles.writeTokenizerJson(DREAM, DreamTokenizerFiles.CHATML_TEMPLATE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return DREAM.toString();
        });
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return LocalHttp.postJson(port, path, body);
    }

    @Test
    void theDecodingViewStreamsADreamDecode() throws Exception {
        HttpResponse<String> response = post("/api/decode/stream",
                "{\"message\":\"hello dream\",\"strategy\":\"elastic\",\"maxTokens\":16}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.get(0).name()).isEqualTo("start");
        assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
        JsonNode start = JSON.readTree(events.get(0).data());
        // The prompt as Dream's ChatML template renders it: <|im_start|>user\nhello dream<|im_end|>\n<|im_start|>assistant\n
        assertThat(start.get("promptTokens").asInt()).isGreaterThan("hello dream".length());
        List<Integer> positions = new ArrayList<>();
        for (Sse.Event e : events.subList(1, events.size() - 1)) {
            assertThat(e.name()).isEqualTo("step");
            JSON.readTree(e.data()).get("positions").valueStream().forEach(p -> positions.add(p.asInt()));
        }
        assertThat(positions).isNotEmpty().allSatisfy(p -> assertThat(p).isBetween(0, 15)).doesNotHaveDuplicates();
        JsonNode done = JSON.readTree(events.get(events.size() - 1).data());
        assertThat(done.get("nfe").asInt()).isEqualTo(events.size() - 2);
    }

    @Test
    void theChatEndpointAnswersOnDream() throws Exception {
        HttpResponse<String> response = post("/api/chat", "{\"message\":\"hello dream\",\"maxTokens\":16}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).has("answer")).isTrue();
    }
}
