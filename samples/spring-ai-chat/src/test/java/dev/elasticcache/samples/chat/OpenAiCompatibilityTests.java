package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.ElasticCacheEngine;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Spring AI's own OpenAI client talks to the app's {@code /v1} API as if it were OpenAI. */
class OpenAiCompatibilityTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    ElasticCacheEngine engine;

    private OpenAiChatModel openAi;
    private String expected;

    @BeforeEach
    void client() throws Exception {
        openAi = OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl("http://localhost:" + port + "/v1")
                .apiKey("not-needed")
                .model(engine.modelInfo().name())
                .temperature(0.0)
                .maxTokens(32)
                .streamUsage(true)
                .maxRetries(0)
                .timeout(Duration.ofMinutes(2))
                .build()).build();
        // The app's own API, same prompt and length: greedy decoding gives the same text.
        expected = JSON.readTree(postJson("/api/chat", "{\"message\":\"" + PROMPT + "\",\"maxTokens\":32}").body())
                .get("answer").asString();
    }

    @Test
    void openAiChatModelCall() {
        ChatResponse response = openAi.call(new Prompt(new UserMessage(PROMPT)));

        assertThat(response.getResult().getOutput().getText()).isEqualTo(expected);
        assertThat(response.getResult().getMetadata().getFinishReason()).isIn("STOP", "LENGTH");
        assertThat(response.getMetadata().getModel()).isEqualTo(engine.modelInfo().name());
        assertThat(response.getMetadata().getUsage().getPromptTokens()).isPositive();
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isBetween(0, 32);
        assertThat(response.getMetadata().getUsage().getTotalTokens()).isEqualTo(
                response.getMetadata().getUsage().getPromptTokens() + response.getMetadata().getUsage().getCompletionTokens());
    }

    @Test
    void openAiChatModelStream() {
        List<ChatResponse> chunks = openAi.stream(new Prompt(new UserMessage(PROMPT))).collectList()
                .block(Duration.ofMinutes(2));

        assertThat(chunks).isNotEmpty();
        String text = String.join("", chunks.stream().filter(c -> c.getResult() != null)
                .map(c -> Objects.requireNonNullElse(c.getResult().getOutput().getText(), "")).toList());
        assertThat(text).isEqualTo(expected);
        ChatResponse last = chunks.get(chunks.size() - 1);
        assertThat(last.getMetadata().getUsage().getPromptTokens()).isPositive();
        assertThat(chunks.stream().map(c -> c.getResult() == null ? null : c.getResult().getMetadata().getFinishReason())
                .filter(Objects::nonNull).filter(r -> !r.isEmpty()).toList()).containsAnyOf("STOP", "LENGTH");
    }

    @Test
    void rawCompletionHasOpenAiShapeAndElasticCacheStatistics() throws Exception {
        String model = engine.modelInfo().name();
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":"
                + "[{\"role\":\"system\",\"content\":\"Answer briefly.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"" + PROMPT + "\"}]}],\"max_tokens\":16,\"stop\":\"\\n\\n\",\"strategy\":\"fast-dllm-dual\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("object").asString()).isEqualTo("chat.completion");
        assertThat(body.get("id").asString()).startsWith("chatcmpl-");
        assertThat(body.get("model").asString()).isEqualTo(model);
        assertThat(body.at("/choices/0/message/role").asString()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").isString()).isTrue();
        assertThat(body.at("/choices/0/finish_reason").asString()).isIn("stop", "length");
        int promptTokens = body.at("/usage/prompt_tokens").asInt();
        assertThat(promptTokens).isPositive();
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(promptTokens + body.at("/usage/completion_tokens").asInt());
        assertThat(body.at("/elastic_cache/strategy").asString()).isEqualTo("fast-dllm-dual");
        assertThat(body.at("/elastic_cache/nfe").asInt()).isBetween(1, 16);
    }

    @Test
    void rawStreamEndsWithFinishReasonUsageAndDone() throws Exception {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\""
                + PROMPT + "\"}],\"max_tokens\":32,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> JSON.readTree(e.data())).toList();
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("object").asString()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.get(0).at("/choices/0/delta/role").asString()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.stream().filter(c -> !c.get("choices").isEmpty())
                .forEach(c -> text.append(c.at("/choices/0/delta/content").asString("")));
        assertThat(text.toString()).isEqualTo(expected);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asString()).isIn("stop", "length");
        assertThat(finish.at("/elastic_cache/nfe").asInt()).isPositive();
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/prompt_tokens").asInt()).isPositive();
    }

    @Test
    void modelsListsTheServedModel() throws Exception {
        HttpResponse<String> response = get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("object").asString()).isEqualTo("list");
        assertThat(body.at("/data/0/id").asString()).isEqualTo(engine.modelInfo().name());
        assertThat(body.at("/data/0/object").asString()).isEqualTo("model");
        assertThat(body.at("/data/0/owned_by").asString()).isEqualTo("elastic-cache");
        assertThat(get("/v1/models/" + engine.modelInfo().name()).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownModelIs404AndBadInputIs400InOpenAiErrorShape() throws Exception {
        HttpResponse<String> unknown = postJson("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/error/code").asString()).isEqualTo("model_not_found");
        assertThat(JSON.readTree(unknown.body()).at("/error/message").asString()).contains("gpt-4o");

        HttpResponse<String> badTemperature = postJson("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":-1,\"stream\":true}");
        assertThat(badTemperature.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badTemperature.body()).at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(JSON.readTree(badTemperature.body()).at("/error/message").asString()).containsIgnoringCase("temperature");

        // Tools and response formats are served (OpenAiToolsTests); a JSON mode without a schema is not.
        HttpResponse<String> jsonMode = postJson("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}");
        assertThat(jsonMode.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(jsonMode.body()).at("/error/message").asString()).contains("json_schema");
    }
}
