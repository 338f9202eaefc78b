package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonParser;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.RandomSchemas;
import dev.elasticcache.structured.ToolChoice;
import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.ToolCall;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema output and tool calls on a Dream folder (random weights, a head wider than the tokenizer, ChatML):
 * valid by construction with every strategy, checked with a real JSON Schema validator.
 */
class DreamStructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory VALIDATORS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @TempDir
    static Path dir;
    static ElasticCacheEngine engine;

    @BeforeAll
    static void load() throws IOException {
        // A longer context than the tiny default: byte-level tool blocks and call canvases are long.
        DreamConfig config = DreamEngineTest.configBuilder().maxPositionEmbeddings(2048).build();
        Path folder = DreamEngineTest.writeDreamFolder(dir.resolve("dream"), config,
                dev.elasticcache.checkpoint.RandomDreamCheckpoint.weights(config, 9));
        engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).maxBatchSize(1)
                .infillLimits(new InfillLimits(6, 6, 8, 3, 64)).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static DecodingOptions options(Strategy strategy) {
        return DecodingOptions.builder().strategy(strategy).genLength(16).blockLength(8).windowLength(6)
                .threshold(strategy == Strategy.LLADA ? null : 0.9).build();
    }

    static Set<ValidationMessage> errors(String schema, String document) throws IOException {
        return VALIDATORS.getSchema(schema).validate(JSON.readTree(document));
    }

    @Test
    void everyStrategyDecodesDocumentsValidAgainstFortyRandomSchemas() throws IOException {
        RandomSchemas schemas = new RandomSchemas(41);
        List<String> failures = new ArrayList<>();
        int documents = 0;
        for (int i = 0; i < 40; i++) {
            String schema = schemas.next().toString();
            for (Strategy strategy : Strategy.values()) {
                GenerationResult r = engine.generate(GenerationRequest.builder()
                        .messages(List.of(ChatMessage.user("record " + i))).outputSchema(schema).options(options(strategy)).build());
                Set<ValidationMessage> errors = errors(schema, r.json());
                if (!errors.isEmpty()) {
                    failures.add(strategy + " " + schema + " -> " + r.json() + ": " + errors);
                }
                assertThat(r.text()).isEqualTo(r.json());
                // The canvas is fixed text and Dream's vocabulary only: no id of the head's padding rows.
                assertThat(java.util.Arrays.stream(r.sequence()).max().getAsInt())
                        .isLessThan(engine.textTokenizer().vocabSize());
                documents++;
            }
        }
        assertThat(failures).as("invalid documents").isEmpty();
        assertThat(documents).isEqualTo(200);
    }

    @Test
    void requiredToolCallsNameAnOfferedToolWithValidArguments() throws IOException {
        RandomSchemas schemas = new RandomSchemas(5);
        Random random = new Random(8);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<ToolDefinition> tools = new ArrayList<>();
            for (int t = 0, n = 1 + random.nextInt(2); t < n; t++) {
                tools.add(new ToolDefinition("tool_" + t, "does " + t, schemas.next().toString()));
            }
            Strategy strategy = Strategy.values()[i % Strategy.values().length];
            GenerationResult r = engine.generate(GenerationRequest.builder()
                    .messages(List.of(ChatMessage.user("call " + i))).tools(tools).toolChoice(ToolChoice.REQUIRED)
                    .options(options(strategy)).build());
            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.toolCalls()).isNotEmpty();
            for (ToolCall call : r.toolCalls()) {
                ToolDefinition tool = tools.stream().filter(d -> d.name().equals(call.name())).findFirst().orElse(null);
                assertThat(tool).as("offered tool %s", call.name()).isNotNull();
                Set<ValidationMessage> errors = errors(tool.parametersSchema(), call.arguments());
                if (!errors.isEmpty() || !JsonParser.parseString(call.arguments()).isJsonObject()) {
                    failures.add(tool.parametersSchema() + " -> " + call.arguments() + ": " + errors);
                }
            }
        }
        assertThat(failures).as("invalid calls").isEmpty();
    }

    @Test
    void theToolsBlockGoesIntoTheChatTemplatesSystemTurnAndAutoMayAnswerInText() {
        List<ToolDefinition> tools = List.of(new ToolDefinition("get_weather", "Weather of a city.",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":6}},\"required\":[\"city\"]}"));
        GenerationResult r = engine.generate(GenerationRequest.builder()
                .messages(List.of(ChatMessage.user("weather in Oslo?"))).tools(tools).toolChoice(ToolChoice.AUTO)
                .options(options(Strategy.ELASTIC)).build());
        // (decoded without the special tokens <|im_start|> and <|im_end|>)
        String prompt = engine.textTokenizer().decode(r.promptIds());
        assertThat(prompt).startsWith("system\nTools:\nget_weather(city: string) - Weather of a city.")
                .contains("\nuser\nweather in Oslo?\nassistant\n");
        // auto: either calls (finish TOOL_CALLS) or a text answer, never both.
        assertThat(r.finishReason() == FinishReason.TOOL_CALLS).isEqualTo(!r.toolCalls().isEmpty());
    }
}
