package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code management.endpoint.health.show-details=always} (what an operator sets on a trusted network; with
 * Spring Security, {@code when-authorized} and {@code management.endpoint.health.roles} instead) health shows the
 * elasticCache component and its details. The app's default hides them (see {@link ActuatorTests}).
 */
@TestPropertySource(properties = "management.endpoint.health.show-details=always")
class HealthDetailsTests extends AppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void detailsShowTheElasticCacheComponentWhenOpenedUp() throws Exception {
        HttpResponse<String> response = get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode engine = JSON.readTree(response.body()).at("/components/elasticCache");
        assertThat(engine.get("status").asString()).isEqualTo("UP");
        assertThat(engine.at("/details/model").asString()).isNotBlank();
        assertThat(engine.at("/details/parameters").asLong()).isPositive();
        assertThat(engine.at("/details/queueCapacity").asInt()).isEqualTo(16);
    }
}
