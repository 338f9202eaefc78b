package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.decode.StructuredDecoder;
import dev.elasticcache.engine.ChatImage;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.FinishReason;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.engine.StructuredGeneration;
import dev.elasticcache.model.TensorOps;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.structured.RandomSchemas;
import dev.elasticcache.structured.ToolChoice;
import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.ToolCall;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images through the engine on a random LLaDA-V folder: the prompt is assembled as LLaDA-V assembles it, the
 * image rows enter the canvas as prompt rows, every strategy decodes (text, schema documents, tool calls), bad input
 * gets a clear message.
 */
class VisionLanguageEngineTest {
    static final JsonSchemaFactory VALIDATORS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static ElasticCacheEngine engine;
    static byte[] png;

    @BeforeAll
    static void load() throws IOException {
        Path folder = RandomLladaV.writeVisionLanguage(dir.resolve("llada-v"), RandomLladaV.small(), 5);
        engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).maxBatchSize(1).build());
        png = RandomLladaV.png(45, 31, 3);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static GenerationRequest ask(String question, Strategy strategy, byte[]... images) {
        List<ChatImage> attached = Arrays.stream(images).map(b -> new ChatImage(0, b, "test.png")).toList();
        return GenerationRequest.builder().messages(List.of(ChatMessage.user(question))).images(attached)
                .options(DecodingOptions.builder().strategy(strategy).genLength(16).blockLength(8).windowLength(6).build())
                .build();
    }

    @Test
    void theImageRowsStandWhereLladaVPutsThemAndDecodeExactlyAsTheSplicedModel() throws IOException {
        GenerationResult r = engine.generate(ask("What does it say?", Strategy.ELASTIC, png));
        // Expected prompt, built independently: template text split at <image>, pieces tokenized alone.
        LladaVisionEncoder vision = LladaVisionEncoder.load(dir.resolve("llada-v"));
        try (vision) {
            ImageEmbedding e = vision.encode(ImageFiles.decode(png, "test.png"));
            String rendered = engine.tokenizer().renderChat(List.of(ChatMessage.user("<image>\nWhat does it say?")));
            String[] pieces = rendered.split(Pattern.quote("<image>"), -1);
            assertThat(pieces).hasSize(2);
            int width = engine.diffusionModel().logitsWidth();
            int[] head = engine.tokenizer().encode(pieces[0]);
            int[] tail = engine.tokenizer().encode(pieces[1]);
            int[] expected = new int[head.length + e.tokens() + tail.length];
            System.arraycopy(head, 0, expected, 0, head.length);
            for (int i = 0; i < e.tokens(); i++) {
                expected[head.length + i] = width + i;
            }
            System.arraycopy(tail, 0, expected, head.length + e.tokens(), tail.length);
            assertThat(r.promptIds()).containsExactly(expected);
            assertThat(r.usage().promptTokens()).isEqualTo(expected.length);
            // The same decode on a hand-built spliced model: the engine adds nothing else.
            try (ImageRowsModel spliced = new ImageRowsModel(engine.diffusionModel(), e.data(), width)) {
                int[] sequence = Decoder.of(Strategy.ELASTIC).decode(new DecodeRun(spliced, expected,
                        ask("x", Strategy.ELASTIC).options(), null, null, false)
                        .withTerminators(new int[] {engine.endOfTurnTokenId()})).sequence();
                assertThat(r.sequence()).containsExactly(sequence);
            }
        }
    }

    @Test
    void placeholderRowsEmbedAsTheImageRowsAndTextRowsAsBefore() {
        int width = engine.diffusionModel().logitsWidth();
        int d = engine.diffusionModel().hiddenSize();
        float[] rows = new float[3 * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i * 0.01f;
        }
        try (ImageRowsModel m = new ImageRowsModel(engine.diffusionModel(), rows, width);
                NDManager scope = engine.diffusionModel().manager().newSubManager()) {
            int[] ids = {5, width + 2, 7, width, width + 1};
            float[] out = m.embed(TensorOps.indices(scope, ids)).toFloatArray();
            float[] text = engine.diffusionModel().embed(TensorOps.indices(scope, new int[] {5, 7})).toFloatArray();
            assertThat(Arrays.copyOfRange(out, 0, d)).containsExactly(Arrays.copyOfRange(text, 0, d));
            assertThat(Arrays.copyOfRange(out, 2 * d, 3 * d)).containsExactly(Arrays.copyOfRange(text, d, 2 * d));
            assertThat(Arrays.copyOfRange(out, d, 2 * d)).containsExactly(Arrays.copyOfRange(rows, 2 * d, 3 * d));
            assertThat(Arrays.copyOfRange(out, 3 * d, 4 * d)).containsExactly(Arrays.copyOfRange(rows, 0, d));
            assertThat(Arrays.copyOfRange(out, 4 * d, 5 * d)).containsExactly(Arrays.copyOfRange(rows, d, 2 * d));
        }
    }

    @Test
    void everyStrategyDecodesWithAnImageAndTheImageMatters() throws IOException {
        byte[] other = RandomLladaV.png(90, 30, 9);
        int differing = 0;
        for (Strategy s : Strategy.values()) {
            GenerationResult a = engine.generate(ask("Describe.", s, png));
            GenerationResult b = engine.generate(ask("Describe.", s, other));
            assertThat(a.stats().nfe()).as(s.id()).isPositive();
            assertThat(a.promptIds().length).as("a wide image has more tiles").isLessThan(b.promptIds().length);
            differing += Arrays.equals(Arrays.copyOfRange(a.sequence(), a.promptIds().length, a.sequence().length),
                    Arrays.copyOfRange(b.sequence(), b.promptIds().length, b.sequence().length)) ? 0 : 1;
        }
        assertThat(differing).as("answers that depend on the image").isPositive();
        GenerationResult two = engine.generate(ask("Compare.", Strategy.LLADA, png, other));
        long placeholders = Arrays.stream(two.promptIds()).filter(id -> id >= engine.diffusionModel().logitsWidth()).count();
        long first = Arrays.stream(engine.generate(ask("Compare.", Strategy.LLADA, png)).promptIds())
                .filter(id -> id >= engine.diffusionModel().logitsWidth()).count();
        assertThat(placeholders).isGreaterThan(first);
    }

    @Test
    void imagesWithAnOutputSchemaDecodeValidDocumentsInEveryStrategyAndTheImageMatters() throws IOException {
        RandomSchemas schemas = new RandomSchemas(17);
        byte[] other = RandomLladaV.png(60, 44, 4);
        List<String> failures = new ArrayList<>();
        int documents = 0;
        int differing = 0;
        for (int i = 0; i < 8; i++) {
            String schema = schemas.next().toString();
            for (Strategy s : Strategy.values()) {
                GenerationRequest request = ask("Fill the form " + i, s, png).mutate().outputSchema(schema).build();
                GenerationResult a = engine.generate(request);
                GenerationResult b = engine.generate(ask("Fill the form " + i, s, other).mutate().outputSchema(schema).build());
                for (GenerationResult r : List.of(a, b)) {
                    Set<ValidationMessage> errors = VALIDATORS.getSchema(schema).validate(JSON.readTree(r.json()));
                    if (!errors.isEmpty()) {
                        failures.add(s + " " + schema + " -> " + r.json() + ": " + errors);
                    }
                    assertThat(Arrays.stream(r.promptIds()).anyMatch(id -> id >= engine.diffusionModel().logitsWidth()))
                            .as("image rows in the prompt").isTrue();
                    documents++;
                }
                differing += a.json().equals(b.json()) ? 0 : 1;
            }
        }
        assertThat(failures).as("invalid documents").isEmpty();
        assertThat(documents).isEqualTo(80);
        assertThat(differing).as("documents that depend on the image").isPositive();
    }

    @Test
    void imagesWithRequiredToolsCallAnOfferedToolWithValidArgumentsAndDecodeAsTheSplicedModel() throws IOException {
        RandomSchemas schemas = new RandomSchemas(23);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<ToolDefinition> tools = List.of(new ToolDefinition("read_label", "reads the label", schemas.next().toString()),
                    new ToolDefinition("count_items", "", schemas.next().toString()));
            Strategy s = Strategy.values()[i % Strategy.values().length];
            GenerationResult r = engine.generate(ask("Use a tool " + i, s, png).mutate().tools(tools)
                    .toolChoice(ToolChoice.REQUIRED).build());
            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.toolCalls()).isNotEmpty();
            for (ToolCall call : r.toolCalls()) {
                ToolDefinition tool = tools.stream().filter(t -> t.name().equals(call.name())).findFirst().orElse(null);
                assertThat(tool).as("offered tool %s", call.name()).isNotNull();
                Set<ValidationMessage> errors = VALIDATORS.getSchema(tool.parametersSchema()).validate(JSON.readTree(call.arguments()));
                if (!errors.isEmpty()) {
                    failures.add(tool.parametersSchema() + " -> " + call.arguments() + ": " + errors);
                }
            }
            if (i == 0) {
                // The tools block sits in the system turn before the image, and the calls are exactly what the
                // structured decoder gives over a hand-spliced model with that prompt.
                String prompt = engine.tokenizer().decode(Arrays.stream(r.promptIds())
                        .filter(id -> id < engine.diffusionModel().logitsWidth()).toArray());
                assertThat(prompt).contains("read_label(").contains("count_items(");
                assertThat(prompt.indexOf("read_label(")).isLessThan(prompt.indexOf("Use a tool 0"));
                try (LladaVisionEncoder vision = LladaVisionEncoder.load(dir.resolve("llada-v"))) {
                    ImageEmbedding e = vision.encode(ImageFiles.decode(png, "test.png"));
                    try (ImageRowsModel spliced = new ImageRowsModel(engine.diffusionModel(), e.data(),
                            engine.diffusionModel().logitsWidth())) {
                        StructuredGeneration structured = new StructuredGeneration(spliced, engine.tokenizer(),
                                InfillSettings.read(dir.resolve("llada-v")).format(engine.tokenizer()), InfillLimits.DEFAULTS,
                                EngineConfig.DEFAULT_MAX_TOOL_ROUNDS);
                        GenerationRequest plain = ask("Use a tool 0", s, png).mutate().tools(tools)
                                .toolChoice(ToolChoice.REQUIRED).build();
                        StructuredGeneration.Plan plan = structured.plan(plain, r.promptIds().length, plain.options());
                        List<ToolCall> expected = structured.calls(plan, r.promptIds(), plain.options(),
                                StructuredDecoder.Hooks.NONE, null).calls();
                        assertThat(r.toolCalls()).extracting(ToolCall::name, ToolCall::arguments)
                                .containsExactlyElementsOf(expected.stream()
                                        .map(c -> org.assertj.core.groups.Tuple.tuple(c.name(), c.arguments())).toList());
                    }
                }
            }
        }
        assertThat(failures).as("invalid calls").isEmpty();
    }

    @Test
    void badImagesAndImagesForTextModelsGetAClearMessage() throws IOException {
        assertThatThrownBy(() -> engine.generate(ask("x", Strategy.ELASTIC, new byte[] {1, 2, 3, 4})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test.png");
        assertThatThrownBy(() -> engine.generate(ask("what is <image>?", Strategy.ELASTIC, png)))
                .hasMessageContaining("<image>");
        assertThatThrownBy(() -> engine.generate(ask("x", Strategy.ELASTIC, png).mutate().toolChoice(ToolChoice.REQUIRED)
                .tools(List.of(new ToolDefinition("look", "reads an <image>", "{\"type\":\"object\"}"))).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool definition contains the text <image>");
        assertThatThrownBy(() -> engine.generate(GenerationRequest.builder()
                .messages(List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello"), ChatMessage.user("and?")))
                .images(List.of(new ChatImage(1, png, "a.png"))).build()))
                .hasMessageContaining("a.png: an image belongs to a user message");
        Path text = RandomCheckpoint.write(dir.resolve("text"), RandomCheckpoint.tinyConfig().nLayers(1).build(), 1, DType.F32, 1);
        try (ElasticCacheEngine textOnly = ElasticCacheEngine.load(EngineConfig.builder().modelDir(text).build())) {
            assertThat(textOnly.acceptsImages()).isFalse();
            assertThatThrownBy(() -> textOnly.generate(ask("x", Strategy.ELASTIC, png)))
                    .hasMessageContaining("takes no images");
        }
        // The engine keeps serving.
        assertThat(engine.generate(ask("fine", Strategy.ELASTIC, png)).stats().nfe()).isPositive();
    }
}
