package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.elasticcache.engine.EmbeddedModel;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An open question to the embedded task model comes back empty, and every API says why: {@code /api/chat} and its
 * stream with {@code finishReason: EMPTY} and a {@code hint}, the OpenAI endpoint with {@code finish_reason: stop}
 * and the non-standard {@code elastic_cache_hint}. On the embedded {@code tiny-llada}, which answers questions outside
 * its three families with EOS at once (the random fallback has no card).
 */
@TestPropertySource(properties = "spring.ai.elastic-cache.embedded-model=tiny-llada")
class EmptyAnswerTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUESTION = "What is the capital of France?";

    @BeforeEach
    void embeddedTaskModel() {
        assumeTrue(TestModels.embeddedModelPresent() && EmbeddedModel.card(EmbeddedModel.NAME).isTaskModel(),
                "needs the embedded tiny-llada with its training.json");
    }

    @Test
    void chatSaysEmptyWithAHintNamingTheFamilies() throws Exception {
        HttpResponse<String> response = postJson("/api/chat", "{\"message\":\"" + QUESTION + "\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("answer").asString()).isEmpty();
        assertThat(body.get("finishReason").asString()).isEqualTo("EMPTY");
        String hint = body.get("hint").asString();
        assertThat(hint).contains(EmbeddedModel.card(EmbeddedModel.NAME).families());
        assertThat(hint).contains(EmbeddedModel.card(EmbeddedModel.NAME).examples().values().iterator().next());
    }

    @Test
    void streamDoneEventCarriesTheHint() throws Exception {
        HttpResponse<String> response = postJson("/api/chat/stream", "{\"message\":\"" + QUESTION + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events).extracting(Sse.Event::name).containsExactly("done");
        JsonNode done = JSON.readTree(events.get(0).data());
        assertThat(done.get("finishReason").asString()).isEqualTo("EMPTY");
        assertThat(done.get("hint").asString()).contains(EmbeddedModel.card(EmbeddedModel.NAME).families());
    }

    @Test
    void answeredPromptsHaveNoHint() throws Exception {
        String prompt = EmbeddedModel.card(EmbeddedModel.NAME).examples().values().iterator().next();
        JsonNode body = JSON.readTree(postJson("/api/chat", JSON.writeValueAsString(
                java.util.Map.of("message", prompt, "maxTokens", 64))).body());

        assertThat(body.get("finishReason").asString()).isIn("STOP", "LENGTH");
        assertThat(body.get("answer").asString()).isNotEmpty();
        assertThat(body.has("hint")).isFalse();
    }

    @Test
    void openAiKeepsStopAndAddsANonStandardHint() throws Exception {
        String request = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}";
        JsonNode body = JSON.readTree(postJson("/v1/chat/completions", request).body());

        assertThat(body.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(body.at("/choices/0/message/content").asString()).isEmpty();
        assertThat(body.get("elastic_cache_hint").asString()).contains(EmbeddedModel.card(EmbeddedModel.NAME).families());

        HttpResponse<String> stream = postJson("/v1/chat/completions",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}");
        List<Sse.Event> events = Sse.parse(stream.body());
        JsonNode finish = events.stream().filter(e -> !e.data().equals("[DONE]")).map(e -> JSON.readTree(e.data()))
                .filter(c -> c.at("/choices/0/finish_reason").isString()).findFirst().orElseThrow();
        assertThat(finish.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(finish.get("elastic_cache_hint").asString()).contains(EmbeddedModel.card(EmbeddedModel.NAME).families());
    }

    @Test
    void decodeViewReportsTheEmptyAnswerAndItsHint() throws Exception {
        HttpResponse<String> response = postJson("/api/decode/stream", "{\"message\":\"" + QUESTION + "\",\"strategy\":\"elastic\"}");

        List<Sse.Event> events = Sse.parse(response.body());
        JsonNode done = JSON.readTree(events.get(events.size() - 1).data());
        assertThat(done.get("finishReason").asString()).isEqualTo("EMPTY");
        assertThat(done.get("hint").asString()).contains(EmbeddedModel.card(EmbeddedModel.NAME).families());
        assertThat(done.get("answerEnd").asInt()).isZero();
    }

    @Test
    void infoOffersAnExampleOfEveryFamilyOfTheCard() throws Exception {
        JsonNode info = JSON.readTree(get("/api/info").body());

        assertThat(info.get("taskModel").asBoolean()).isTrue();
        assertThat(info.get("families").valueStream().map(JsonNode::asString).toList())
                .isEqualTo(EmbeddedModel.card(EmbeddedModel.NAME).families());
        List<JsonNode> examples = info.get("examples").valueStream().toList();
        for (var e : EmbeddedModel.card(EmbeddedModel.NAME).examples().entrySet()) {
            assertThat(examples).anySatisfy(x -> {
                assertThat(x.get("family").asString()).isEqualTo(e.getKey());
                assertThat(x.get("prompt").asString()).isEqualTo(e.getValue());
                assertThat(x.get("mode").asString()).isEqualTo("chat");
            });
        }
        assertThat(examples).extracting(x -> x.get("id").asString())
                .contains("example-weather", "example-booking");
    }
}
