package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.vision.RandomLladaV;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/chat/completions} with OpenAI {@code image_url} parts (data URLs) on a random LLaDA-V folder: the
 * image becomes prompt rows; a remote URL is a 400 naming the fix.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class VisionChatTests {
    private static final Path LLADA_V = Path.of("target", "test-models", "random-llada-v").toAbsolutePath();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        // The app's application.properties names an embedded model: a model folder replaces it.
        registry.add("spring.ai.elastic-cache.embedded-model", () -> "");
        registry.add("spring.ai.elastic-cache.model-dir", () -> {
            if (!Files.isRegularFile(LLADA_V.resolve("config.json"))) {
                RandomLladaV.writeVisionLanguage(LLADA_V, RandomLladaV.small(), 8);
            }
            return LLADA_V.toString();
        });
    }

    HttpResponse<String> post(String body) throws Exception {
        return LocalHttp.postJson(port, "/v1/chat/completions", body);
    }

    static String dataUrl() {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(RandomLladaV.png(48, 32, 4));
    }

    static String ask(String imageUrl) {
        String image = imageUrl == null ? "" : ",{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + imageUrl + "\"}}";
        return "{\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is it?\"}"
                + image + "]}]}";
    }

    @Test
    void anImageUrlPartBecomesPromptRows() throws Exception {
        HttpResponse<String> withImage = post(ask(dataUrl()));
        assertThat(withImage.statusCode()).as(withImage.body()).isEqualTo(200);
        HttpResponse<String> without = post(ask(null));
        assertThat(without.statusCode()).as(without.body()).isEqualTo(200);
        JsonNode a = JSON.readTree(withImage.body());
        JsonNode b = JSON.readTree(without.body());
        assertThat(a.at("/usage/prompt_tokens").asInt()).isGreaterThan(b.at("/usage/prompt_tokens").asInt() + 4);
        assertThat(a.at("/choices/0/message/content").isString()).isTrue();
    }

    @Test
    void theChatApiTakesImagesAndInfoSaysSo() throws Exception {
        HttpResponse<String> info = LocalHttp.get(port, "/api/info");
        assertThat(JSON.readTree(info.body()).get("images").asBoolean()).isTrue();
        HttpResponse<String> chat = LocalHttp.postJson(port, "/api/chat",
                "{\"message\":\"What is it?\",\"maxTokens\":16,\"images\":[\"" + dataUrl() + "\"]}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(JSON.readTree(chat.body()).has("answer")).isTrue();
    }

    @Test
    void aRemoteImageUrlIsA400NamingTheFix() throws Exception {
        HttpResponse<String> remote = post(ask("https://example.com/cat.png"));
        assertThat(remote.statusCode()).isEqualTo(400);
        assertThat(remote.body()).contains("only data: URLs");
    }
}
