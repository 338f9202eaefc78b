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
                .contains("elastic-cache.requests.waiting");
    }

    @Test
    void prometheusServesWhatARouterAndAnAutoscalerRead() throws Exception {
        assertThat(postJson("/api/chat/stream", "{\"message\":\"What is the weather in Oslo?\",\"tools\":true,\"maxTokens\":64}")
                .body()).contains("event:done");
        HttpResponse<String> response = get("/actuator/prometheus");

        assertThat(response.statusCode()).isEqualTo(200);
        String model = "model=\"tiny-llada-tools\"";
        assertThat(response.body())
                .contains("elastic_cache_requests_waiting{" + model + "} 0.0")
                .contains("elastic_cache_requests_running{" + model + "} 0.0")
                .contains("elastic_cache_batch_occupancy{" + model + "} 0.0")
                .contains("elastic_cache_cache_used_bytes{" + model + "} 0.0")
                .contains("elastic_cache_cache_usage{" + model + "} 0.0")
                .contains("elastic_cache_draining{" + model + "} 0.0")
                .contains("elastic_cache_requests_refused_total{" + model + ",reason=\"draining\"} 0.0")
                .containsPattern("elastic_cache_cache_capacity_bytes\\{" + model + "} [1-9][0-9.E]+")
                .containsPattern("elastic_cache_generation_tokens_total\\{" + model + ",strategy=\"elastic\"} [1-9]")
                .containsPattern("elastic_cache_generation_time_to_first_token_seconds_count\\{" + model + ",strategy=\"elastic\"} [1-9]")
                .containsPattern("elastic_cache_generation_step_time_seconds_count\\{" + model + ",strategy=\"elastic\"} [1-9]")
                .containsPattern("elastic_cache_generation_duration_seconds_count\\{" + model + ",strategy=\"elastic\"} [1-9]");
    }

    @Test
    void livenessAndReadinessProbesAnswerForTheLoadedModel() throws Exception {
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        HttpResponse<String> readiness = get("/actuator/health/readiness");

        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(liveness.body()).get("status").asString()).isEqualTo("UP");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(readiness.body()).get("status").asString()).isEqualTo("UP");
    }

    @Test
    void infoIsExposed() throws Exception {
        HttpResponse<String> response = get("/actuator/info");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/app/name").asString()).isEqualTo("Elastic-Cache chat sample");
    }
}
