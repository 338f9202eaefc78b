package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ActuatorTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void healthShowsOnlyItsStatusToAnAnonymousCaller() throws Exception {
        HttpResponse<String> response = get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asString()).isEqualTo("UP");
        // Spring's default (show-details=never): no components, no details such as the disk path or the model.
        assertThat(body.has("components")).as(response.body()).isFalse();
        assertThat(body.has("details")).as(response.body()).isFalse();
        assertThat(response.body()).doesNotContain("diskSpace").doesNotContain("path").doesNotContain("elasticCache");
    }

    @Test
    void metricsRecordGenerationsByStrategy() throws Exception {
        assertThat(postJson("/api/chat", "{\"message\":\"" + PROMPT + "\",\"strategy\":\"fast-dllm\",\"maxTokens\":16}")
                .statusCode()).isEqualTo(200);

        HttpResponse<String> response = get("/actuator/metrics/elastic-cache.generation.nfe?tag=strategy:fast-dllm");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode count = JSON.readTree(response.body()).get("measurements").valueStream()
                .filter(m -> m.get("statistic").asString().equals("COUNT")).findFirst().orElseThrow();
        assertThat(count.get("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(get("/actuator/metrics").body()).contains("elastic-cache.generation.tokens-per-second")
                .contains("elastic-cache.queue.depth");
    }

    @Test
    void infoIsExposed() throws Exception {
        HttpResponse<String> response = get("/actuator/info");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/app/name").asString()).isEqualTo("Elastic-Cache chat sample");
    }
}
