package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.EngineOverloadedException;
import dev.elasticcache.engine.GenerationTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** The exception handlers on their own: statuses, Retry-After and messages. */
class ErrorMappingTests {

    private final ApiErrors api = new ApiErrors();
    private final OpenAiErrors openAi = new OpenAiErrors();

    @Test
    void overloadIs429WithRetryAfterRoundedUpToWholeSeconds() {
        ResponseEntity<ProblemDetail> response = api.overloaded(new EngineOverloadedException(3, Duration.ofMillis(1500)));

        assertThat(response.getStatusCode().value()).isEqualTo(429);
        assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(response.getBody().getDetail()).contains("3 requests already waiting");
    }

    @Test
    void timeoutIs503NamingTheSetting() {
        ResponseEntity<ProblemDetail> response = api.timeout(new GenerationTimeoutException(Duration.ofSeconds(30)));

        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(response.getBody().getDetail()).contains("30000 ms").contains("request-timeout");
    }

    @Test
    void invalidInputIs400WithTheMessage() {
        ResponseEntity<ProblemDetail> response = api.badRequest(new IllegalArgumentException("gamma must be in (0, 1]"));

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getBody().getDetail()).isEqualTo("gamma must be in (0, 1]");
    }

    @Test
    void openAiEnvelopeCarriesTypeAndCode() {
        ResponseEntity<OpenAiApi.ErrorResponse> overloaded =
                openAi.engineError(new EngineOverloadedException(0, Duration.ofMillis(200)));
        assertThat(overloaded.getStatusCode().value()).isEqualTo(429);
        assertThat(overloaded.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(overloaded.getBody().error().type()).isEqualTo("rate_limit_error");
        assertThat(overloaded.getBody().error().code()).isEqualTo("engine_overloaded");

        ResponseEntity<OpenAiApi.ErrorResponse> timeout =
                openAi.engineError(new GenerationTimeoutException(Duration.ofSeconds(1)));
        assertThat(timeout.getStatusCode().value()).isEqualTo(503);
        assertThat(timeout.getBody().error().type()).isEqualTo("server_error");

        ResponseEntity<OpenAiApi.ErrorResponse> bad = openAi.engineError(new IllegalArgumentException("bad"));
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        assertThat(bad.getBody().error()).isEqualTo(new OpenAiApi.ErrorBody("bad", "invalid_request_error", null, null));
    }
}
