package dev.elasticcache.samples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.ElasticCacheEngine;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A draining instance (what SIGTERM starts) as a client and a load balancer see it: every chat door answers 503
 * with Retry-After, readiness is down and liveness up. Its own context, thrown away afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.application.name=draining-instance")
@DirtiesContext
class DrainingInstanceTests {
    @LocalServerPort
    int port;

    @Autowired
    ElasticCacheEngine engine;

    @Test
    void everyDoorAnswers503WithRetryAfterAndReadinessIsDown() throws Exception {
        assertThat(LocalHttp.get(port, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        engine.drain();

        String chat = "{\"message\":\"Uppercase these words: robot flame\"}";
        for (String path : new String[] {"/api/chat", "/api/chat/stream"}) {
            HttpResponse<String> r = LocalHttp.postJson(port, path, chat);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).as(path).isPresent();
            assertThat(r.body()).as(path).contains("send it to another instance");
        }
        HttpResponse<String> openAi = LocalHttp.postJson(port, "/v1/chat/completions",
                "{\"model\":\"tiny-llada-tools\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(openAi.statusCode()).isEqualTo(503);
        assertThat(openAi.headers().firstValue("Retry-After")).isPresent();
        assertThat(openAi.body()).contains("\"code\":\"unavailable\"");

        assertThat(LocalHttp.get(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
        assertThat(LocalHttp.get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(LocalHttp.get(port, "/actuator/prometheus").body())
                .contains("elastic_cache_draining{model=\"tiny-llada-tools\"} 1.0")
                .containsPattern("elastic_cache_requests_refused_total\\{model=\"tiny-llada-tools\",reason=\"draining\"} 3.0");
    }
}
