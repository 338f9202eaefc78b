package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ChatEndpointTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void chatAnswersWithUsageAndStatistics() throws Exception {
        HttpResponse<String> response = postJson("/api/chat", "{\"message\":\"" + PROMPT + "\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("answer").isString()).isTrue();
        assertThat(body.get("finishReason").asString()).isIn("STOP", "LENGTH", "EMPTY");
        // An empty answer says why; others carry no hint.
        assertThat(body.has("hint")).isEqualTo(body.get("finishReason").asString().equals("EMPTY"));
        assertThat(body.at("/usage/promptTokens").asInt()).isPositive();
        assertThat(body.at("/usage/generationTokens").asInt()).isBetween(0, 32);
        assertThat(body.at("/stats/strategy").asString()).isEqualTo("elastic");
        assertThat(body.at("/stats/nfe").asInt()).isBetween(1, 32);
        assertThat(body.at("/stats/recomputeFraction").asDouble()).isBetween(0.0, 1.0);
        assertThat(body.at("/stats/tokensPerStep").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(body.at("/stats/decodeMillis").asDouble()).isPositive();
        if (body.at("/usage/generationTokens").asInt() > 0) {
            assertThat(body.at("/stats/tokensPerSecond").asDouble()).isPositive();
        }
    }

    @Test
    void requestKnobsOverrideTheDefaults() throws Exception {
        HttpResponse<String> response = postJson("/api/chat",
                "{\"message\":\"" + PROMPT + "\",\"strategy\":\"llada\",\"maxTokens\":16}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode stats = JSON.readTree(response.body()).get("stats");
        assertThat(stats.get("strategy").asString()).isEqualTo("llada");
        // Vanilla LLaDA: one forward pass per position, no cache, so every layer is recomputed every step.
        assertThat(stats.get("nfe").asInt()).isEqualTo(16);
        assertThat(stats.get("recomputeFraction").asDouble()).isEqualTo(1.0);
        assertThat(stats.get("tokensPerStep").asDouble()).isEqualTo(1.0);
    }

    @Test
    void streamSendsTheSameAnswerAsDeltasThenUsageAndStatistics() throws Exception {
        String request = "{\"message\":\"" + PROMPT + "\",\"strategy\":\"elastic\",\"gamma\":0.8}";
        String expected = JSON.readTree(postJson("/api/chat", request).body()).get("answer").asString();

        HttpResponse<String> response = postJson("/api/chat/stream", request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<Sse.Event> events = Sse.parse(response.body());
        assertThat(events).isNotEmpty();
        Sse.Event last = events.get(events.size() - 1);
        assertThat(last.name()).isEqualTo("done");
        StringBuilder streamed = new StringBuilder();
        for (Sse.Event delta : events.subList(0, events.size() - 1)) {
            assertThat(delta.name()).isEqualTo("message");
            String text = JSON.readTree(delta.data()).get("text").asString();
            assertThat(text).isNotEmpty();
            streamed.append(text);
        }
        // Greedy decoding is deterministic: the deltas add up to the blocking call's answer.
        assertThat(streamed.toString()).isEqualTo(expected);
        JsonNode done = JSON.readTree(last.data());
        assertThat(done.get("finishReason").asString()).isIn("STOP", "LENGTH", "EMPTY");
        assertThat(done.has("hint")).isEqualTo(done.get("finishReason").asString().equals("EMPTY"));
        assertThat(done.at("/usage/promptTokens").asInt()).isPositive();
        assertThat(done.at("/stats/strategy").asString()).isEqualTo("elastic");
        assertThat(done.at("/stats/nfe").asInt()).isPositive();
        assertThat(done.at("/stats/recomputeFraction").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void compareRunsTheBaselineAndReportsTheSpeedUp() throws Exception {
        HttpResponse<String> response = postJson("/api/compare",
                "{\"message\":\"" + PROMPT + "\",\"strategy\":\"elastic\",\"maxTokens\":32}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        JsonNode candidate = body.at("/candidate/stats");
        JsonNode baseline = body.at("/baseline/stats");
        assertThat(candidate.get("strategy").asString()).isEqualTo("elastic");
        assertThat(baseline.get("strategy").asString()).isEqualTo("llada");
        assertThat(baseline.get("nfe").asInt()).isEqualTo(32);
        assertThat(body.get("nfeReduction").asDouble())
                .isCloseTo(32.0 / candidate.get("nfe").asInt(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(body.get("latencySpeedup").asDouble()).isCloseTo(
                baseline.get("decodeMillis").asDouble() / candidate.get("decodeMillis").asDouble(),
                org.assertj.core.data.Offset.offset(1e-6));
        if (baseline.get("tokensPerSecond").asDouble() > 0) {
            assertThat(body.get("speedup").asDouble()).isCloseTo(
                    candidate.get("tokensPerSecond").asDouble() / baseline.get("tokensPerSecond").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-6));
        } else {
            assertThat(body.get("speedup").isNull()).isTrue();
        }
        assertThat(body.get("sameAnswer").asBoolean())
                .isEqualTo(body.at("/candidate/answer").asString().equals(body.at("/baseline/answer").asString()));
    }

    @Test
    void blankMessageIs400WithTheFix() throws Exception {
        HttpResponse<String> response = postJson("/api/chat", "{\"message\":\"  \"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("message must not be blank");
    }

    @Test
    void unknownStrategyIs400NamingTheAllowedOnes() throws Exception {
        HttpResponse<String> response = postJson("/api/chat", "{\"message\":\"hi\",\"strategy\":\"turbo\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asString())
                .contains("unknown strategy 'turbo'").contains("elastic").contains("llada");
    }

    @Test
    void outOfRangeGammaIs400OnTheStreamBeforeAnyEvent() throws Exception {
        HttpResponse<String> response = postJson("/api/chat/stream", "{\"message\":\"hi\",\"gamma\":1.5}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("detail").asString()).containsIgnoringCase("gamma");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        HttpResponse<String> response = postJson("/api/chat", "{\"message\":");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("not valid JSON");
    }

    @Test
    void infoListsTheModelStrategiesAndDefaults() throws Exception {
        HttpResponse<String> response = get("/api/info");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("model").asString()).isNotBlank();
        assertThat(body.get("parameters").asLong()).isPositive();
        assertThat(body.get("strategies").valueStream().map(JsonNode::asString).toList())
                .containsExactly("llada", "fast-dllm", "fast-dllm-prefix", "fast-dllm-dual", "elastic");
        assertThat(body.at("/defaults/strategy").asString()).isEqualTo("elastic");
        assertThat(body.at("/defaults/maxTokens").asInt()).isEqualTo(32);
        assertThat(body.at("/defaults/gamma").asDouble()).isEqualTo(0.9);
    }

    @Test
    void pageIsServedWithoutExternalResources() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<title>Elastic-Cache chat</title>").contains("api/chat/stream")
                .doesNotContain("http://").doesNotContain("https://");
    }
}
