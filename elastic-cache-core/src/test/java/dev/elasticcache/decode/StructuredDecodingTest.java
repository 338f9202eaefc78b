package dev.elasticcache.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.structured.Alignment;
import dev.elasticcache.structured.CanvasBuilder;
import dev.elasticcache.structured.InfillFormat;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.structured.JsonSchemaCompiler;
import dev.elasticcache.structured.RandomSchemas;
import dev.elasticcache.structured.SchemaNode;
import dev.elasticcache.structured.Slot;
import dev.elasticcache.structured.SlotKind;
import dev.elasticcache.structured.ToolCallLayout;
import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The infilling guarantee as a property: whatever a random-weight model predicts, every strategy's document is
 * valid against its schema (checked by networknt's validator), and every call names an offered tool with valid
 * arguments. Oracles: a canvas without holes reproduces its text, and one unconstrained slot decodes exactly
 * what the free decoder decodes.
 */
class StructuredDecodingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory VALIDATORS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final InfillLimits SMALL = new InfillLimits(6, 6, 8, 3, 64);

    @TempDir
    static Path dir;
    static LladaModel model;
    static LladaModel eosModel;
    static LladaTokenizer tokenizer;

    @BeforeAll
    static void load() {
        LladaConfig config = RandomCheckpoint.tinyConfig().nLayers(2).build();
        model = LladaModel.load(RandomCheckpoint.write(dir.resolve("random"), config, 5, DType.F32, 1));
        eosModel = LladaModel.load(DecoderOracleTest.writeEosHeavyCheckpoint(dir.resolve("eos"),
                RandomCheckpoint.tinyConfig().nKvHeads(2).build()));
        TinyTokenizerFiles.write(dir.resolve("tok"));
        tokenizer = LladaTokenizer.open(dir.resolve("tok"));
    }

    @AfterAll
    static void close() {
        model.close();
        eosModel.close();
        tokenizer.close();
    }

    static DecodingOptions options(Strategy strategy) {
        return DecodingOptions.builder().strategy(strategy).genLength(32).blockLength(16).steps(strategy == Strategy.LLADA ? 8 : 0)
                .threshold(strategy == Strategy.LLADA ? null : 0.9).windowLength(8).build();
    }

    static int[] prompt(long seed) {
        Random r = new Random(seed);
        return IntStream.range(0, 5 + r.nextInt(10)).map(i -> r.nextInt(TinyTokenizerFiles.BYTE_TOKENS)).toArray();
    }

    static Set<ValidationMessage> errors(String schema, String document) throws Exception {
        JsonSchema validator = VALIDATORS.getSchema(schema);
        return validator.validate(JSON.readTree(document));
    }

    static InfillFormat format(int i) {
        return (i % 2 == 0 ? InfillSettings.tinyModels() : InfillSettings.DEFAULTS).format(tokenizer);
    }

    @Test
    void everyStrategyDecodesValidDocumentsForTwoHundredRandomSchemas() throws Exception {
        RandomSchemas schemas = new RandomSchemas(2026);
        JsonSchemaCompiler compiler = new JsonSchemaCompiler(SMALL);
        int[] trailer = {tokenizer.eotTokenId(), tokenizer.eosTokenId()};
        List<String> failures = new ArrayList<>();
        int documents = 0;
        for (int i = 0; i < 200; i++) {
            String schema = schemas.next().toString();
            SchemaNode node = compiler.compile(schema);
            CanvasBuilder builder = new CanvasBuilder(format(i));
            for (Strategy strategy : Strategy.values()) {
                StructuredDecoder decoder = new StructuredDecoder(model, builder, trailer, strategy);
                JsonElement doc = decoder.document(prompt(i), node, options(strategy), StructuredDecoder.Hooks.NONE).value();
                Set<ValidationMessage> errors = errors(schema, doc.toString());
                if (!errors.isEmpty()) {
                    failures.add(strategy + " " + schema + " -> " + doc + ": " + errors);
                }
                documents++;
            }
        }
        assertThat(failures).as("invalid documents").isEmpty();
        assertThat(documents).isEqualTo(1000);
    }

    @Test
    void everyCallNamesAnOfferedToolWithValidArguments() throws Exception {
        RandomSchemas schemas = new RandomSchemas(77);
        JsonSchemaCompiler compiler = new JsonSchemaCompiler(SMALL);
        Random random = new Random(3);
        List<String> failures = new ArrayList<>();
        java.util.Map<String, Integer> chosen = new java.util.TreeMap<>();
        for (int i = 0; i < 100; i++) {
            List<ToolDefinition> tools = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int t = 0; t < n; t++) {
                tools.add(new ToolDefinition("tool_" + t + "_" + random.nextInt(100), "does " + t, schemas.next().toString()));
            }
            CanvasBuilder builder = new CanvasBuilder(format(i));
            ToolCallLayout layout = new ToolCallLayout(builder, tools, compiler, SMALL);
            Strategy strategy = Strategy.values()[i % Strategy.values().length];
            StructuredDecoder decoder = new StructuredDecoder(model, builder, new int[] {tokenizer.eosTokenId()}, strategy);
            StructuredDecoder.Call call = decoder.call(prompt(i), layout, options(strategy), StructuredDecoder.Hooks.NONE);
            ToolDefinition tool = tools.get(call.tool());
            chosen.merge(tool.name().substring(0, 6), 1, Integer::sum);
            Set<ValidationMessage> errors = errors(tool.parametersSchema(), call.arguments().toString());
            if (!errors.isEmpty() || !call.arguments().isJsonObject()) {
                failures.add(tool.parametersSchema() + " -> " + call.arguments() + ": " + errors);
            }
        }
        assertThat(failures).as("invalid calls").isEmpty();
        assertThat(chosen.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(chosen.size()).as("the name is the model's choice, not always the first tool").isGreaterThan(1);
    }

    @Test
    void aCanvasWithoutHolesReproducesItsFixedText() {
        String schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"null\"},\"b\":{\"type\":\"object\",\"properties\":{}}}}";
        SchemaNode node = new JsonSchemaCompiler().compile(schema);
        for (Strategy strategy : Strategy.values()) {
            StructuredDecoder decoder = new StructuredDecoder(model, new CanvasBuilder(format(0)), new int[0], strategy);
            StructuredDecoder.Document d = decoder.document(prompt(1), node, options(strategy), StructuredDecoder.Hooks.NONE);
            assertThat(d.value().toString()).isEqualTo("{\"a\":null,\"b\":{}}");
            assertThat(tokenizer.decode(d.result().generated())).isEqualTo("{\"a\":null,\"b\":{}}");
            assertThat(d.result().stats().nfe()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void oneUnconstrainedSlotDecodesExactlyLikeTheFreeDecoder(Strategy strategy) {
        for (LladaModel m : List.of(model, eosModel)) {
            for (long seed = 1; seed <= 3; seed++) {
                DecodingOptions o = options(strategy).mutate().genLength(32).threshold(strategy == Strategy.LLADA ? null : 0.05)
                        .build();
                int[] prompt = prompt(seed * 13);
                DecodeResult free = Decoder.of(strategy).decode(new DecodeRun(m, prompt, o, null, null, true));
                int[] masks = new int[o.genLength()];
                Arrays.fill(masks, m.config().maskTokenId());
                InfillFormat eosFiller = new InfillFormat(tokenizer, m.config().eosTokenId(), m.config().maskTokenId(), Alignment.LEFT);
                AnswerCanvas canvas = new AnswerCanvas(masks, List.of(new Slot("$", SlotKind.ANY, 0, masks.length, 0, -1)),
                        eosFiller, masks.length);
                DecodeResult slot = Decoder.of(strategy).decode(new DecodeRun(m, prompt, canvas, o, null, null, true));
                assertThat(slot.sequence()).as(strategy + " seed " + seed).containsExactly(free.sequence());
                assertThat(DecoderOracleTest.decodedPerStep(slot)).usingRecursiveComparison()
                        .isEqualTo(DecoderOracleTest.decodedPerStep(free));
            }
        }
    }

    @Test
    void slotPositionsHoldOnlyAdmittedTokens() {
        String schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"},\"s\":{\"type\":\"string\",\"minLength\":2}}}";
        SchemaNode node = new JsonSchemaCompiler(SMALL).compile(schema);
        InfillFormat f = format(1);
        CanvasBuilder builder = new CanvasBuilder(f);
        StructuredDecoder decoder = new StructuredDecoder(model, builder, new int[0], Strategy.ELASTIC);
        DecodeResult r = decoder.document(prompt(4), node, options(Strategy.ELASTIC), StructuredDecoder.Hooks.NONE).result();
        int p = r.promptLength();
        for (Slot s : builder.canvas(node, new dev.elasticcache.structured.Resolution()).slots()) {
            for (int i = 0; i < s.width(); i++) {
                int token = r.sequence()[p + s.start() + i];
                if (token != model.config().maskTokenId()) {
                    assertThat(f.admits(s, i, token)).as(s.path() + "[" + i + "] = " + token).isTrue();
                }
            }
        }
    }
}
