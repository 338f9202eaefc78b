package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ActuatorTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void healthShowsTheElasticCacheComponent() throws Exception {
        HttpResponse<String> response = get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asString()).isEqualTo("UP");
        JsonNode engine = body.at("/components/elasticCache");
        assertThat(engine.get("status").asString()).isEqualTo("UP");
        assertThat(engine.at("/details/model").asString()).isNotBlank();
        assertThat(engine.at("/details/parameters").asLong()).isPositive();
        assertThat(engine.at("/details/queueCapacity").asInt()).isEqualTo(16);
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
