package dev.elasticcache.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration processor's output documents every key with its default. */
class ConfigurationMetadataTests {

    @Test
    void everyPropertyIsDocumentedWithItsDefault() throws Exception {
        Map<String, JsonObject> properties = new LinkedHashMap<>();
        try (Reader in = new InputStreamReader(getClass().getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json"), StandardCharsets.UTF_8)) {
            for (JsonElement p : JsonParser.parseReader(in).getAsJsonObject().getAsJsonArray("properties")) {
                properties.put(p.getAsJsonObject().get("name").getAsString(), p.getAsJsonObject());
            }
        }
        String o = "spring.ai.elastic-cache.chat.options.";
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("spring.ai.elastic-cache.device", "cpu");
        defaults.put("spring.ai.elastic-cache.dtype", "auto");
        defaults.put("spring.ai.elastic-cache.queue-capacity", "16");
        defaults.put("spring.ai.elastic-cache.pull-model-strategy", "never");
        defaults.put("spring.ai.elastic-cache.drain-timeout", "30s");
        defaults.put("spring.ai.elastic-cache.request-timeout", "5m");
        defaults.put("spring.ai.elastic-cache.max-batch-size", String.valueOf(dev.elasticcache.engine.EngineConfig.DEFAULT_MAX_BATCH_SIZE));
        defaults.put("spring.ai.elastic-cache.max-tool-rounds", String.valueOf(dev.elasticcache.engine.EngineConfig.DEFAULT_MAX_TOOL_ROUNDS));
        defaults.put(o + "strategy", "elastic");
        defaults.put(o + "max-tokens", "128");
        defaults.put(o + "temperature", "0");
        defaults.put(o + "gamma", "0.9");
        defaults.put(o + "window-length", "16");
        defaults.put(o + "threshold", "0.9");
        defaults.put(o + "track-num", "1");
        defaults.put(o + "block-caching", "true");
        defaults.put(o + "block-length", "32");
        defaults.put(o + "steps", "0");
        defaults.put(o + "tokens-per-iter", "1");
        defaults.put(o + "remasking", "low-confidence");
        defaults.put(o + "seed", "0");

        assertThat(properties.keySet()).containsAll(defaults.keySet())
                .contains("spring.ai.elastic-cache.model-dir", "spring.ai.elastic-cache.model", "spring.ai.elastic-cache.embedded-model",
                        "spring.ai.elastic-cache.hub.endpoint", "spring.ai.elastic-cache.hub.token",
                        "spring.ai.elastic-cache.hub.cache-dir", "spring.ai.elastic-cache.hub.offline", o + "stop-sequences")
                .hasSize(defaults.size() + 8);
        properties.values().forEach(p -> assertThat(p.has("description") && !p.get("description").getAsString().isBlank())
                .as("description of %s", p.get("name")).isTrue());
        defaults.forEach((name, value) -> assertThat(properties.get(name).get("defaultValue").getAsString())
                .as("default of %s", name).isEqualTo(value));
    }
}
