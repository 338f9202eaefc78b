package dev.elasticcache.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.model.IntraOpThreads;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.structured.Canvas;
import dev.elasticcache.structured.CanvasBuilder;
import dev.elasticcache.structured.InfillFormat;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.structured.JsonSchemaCompiler;
import dev.elasticcache.structured.RandomSchemas;
import dev.elasticcache.structured.Resolution;
import dev.elasticcache.structured.SchemaNode;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimised decoders ({@link Decoder#of}) against the implementation as it was before the step-cost work
 * ({@link ReferenceDecoders}): the same tokens, and for every step the same window, query rows, start_reset,
 * tracked tokens and decoded positions, on several random models, prompts and option sets, including forced
 * full refreshes, gamma extremes, EOS truncation and structured canvases.
 */
class ReferenceEquivalenceTest {

    @TempDir
    static Path dir;

    static List<LladaModel> models = new ArrayList<>();
    static LladaModel eosModel;
    static LladaTokenizer tokenizer;

    @BeforeAll
    static void load() {
        List<LladaConfig> configs = List.of(
                RandomCheckpoint.tinyConfig().build(),
                RandomCheckpoint.tinyConfig().nKvHeads(2).nLayers(4).build(),
                RandomCheckpoint.tinyConfig().dModel(48).nHeads(2).nKvHeads(1).mlpHiddenSize(80).nLayers(2).build(),
                RandomCheckpoint.tinyConfig().dModel(64).nHeads(4).mlpHiddenSize(96).nLayers(5).build());
        for (int i = 0; i < configs.size(); i++) {
            models.add(LladaModel.load(RandomCheckpoint.write(dir.resolve("m" + i), configs.get(i), 100 + i, DType.BF16, 2)));
        }
        eosModel = LladaModel.load(DecoderOracleTest.writeEosHeavyCheckpoint(dir.resolve("eos"),
                RandomCheckpoint.tinyConfig().nKvHeads(2).build()));
        TinyTokenizerFiles.write(dir.resolve("tok"));
        tokenizer = LladaTokenizer.open(dir.resolve("tok"));
    }

    @AfterAll
    static void close() {
        models.forEach(LladaModel::close);
        eosModel.close();
        tokenizer.close();
    }

    static int[] prompt(long seed, int length) {
        Random r = new Random(seed);
        return IntStream.range(0, length).map(i -> r.nextInt(TinyTokenizerFiles.BYTE_TOKENS)).toArray();
    }

    /** Steps after which a run is stopped and compared so far (see {@link #decode}). */
    static final int STEP_CAP = 200;

    /** A run's trace and final sequence, also when it was stopped at {@link #STEP_CAP}. */
    record Run(List<StepRecord> trace, int[] sequence, DecodingStats stats) {}

    /**
     * Decodes until done or {@link #STEP_CAP} steps. The cap matters for the block strategies on random weights:
     * a model whose argmax is the mask token writes the mask back and the block never empties (the reference
     * Fast-dLLM loop has the same hazard); such a run is compared up to the cap.
     */
    static Run decode(Decoder decoder, LladaModel model, int[] prompt, AnswerCanvas canvas, DecodingOptions o) {
        List<StepRecord> trace = new ArrayList<>();
        int[][] sequence = {null};
        DecodeRun run = new DecodeRun(model, prompt, canvas, o, (step, seq) -> {
            trace.add(step);
            sequence[0] = seq.clone();
        }, () -> trace.size() >= STEP_CAP, false);
        try {
            DecodeResult r = decoder.decode(run);
            return new Run(trace, r.sequence(), r.stats());
        } catch (DecodeCancelledException stopped) {
            return new Run(trace, sequence[0], null);
        }
    }

    /** Decodes with both implementations and asserts they agree step by step; returns the optimised run. */
    static Run assertSame(LladaModel model, int[] prompt, AnswerCanvas canvas, DecodingOptions o, String what) {
        Run before = decode(ReferenceDecoders.of(o.strategy()), model, prompt, canvas, o);
        Run after = decode(Decoder.of(o.strategy()), model, prompt, canvas, o);
        assertThat(after.sequence()).as(what + ": tokens").containsExactly(before.sequence());
        assertThat(after.trace()).as(what + ": steps").hasSameSizeAs(before.trace());
        for (int i = 0; i < before.trace().size(); i++) {
            StepRecord b = before.trace().get(i);
            StepRecord a = after.trace().get(i);
            String step = what + ", step " + i;
            assertThat(a.window()).as(step + ": window").containsExactly(b.window());
            assertThat(a.queryRows()).as(step + ": query rows").containsExactly(b.queryRows());
            assertThat(a.startReset()).as(step + ": start_reset").isEqualTo(b.startReset());
            assertThat(a.track()).as(step + ": tracked tokens").containsExactly(b.track());
            assertThat(a.decodedPositions()).as(step + ": decoded positions").containsExactly(b.decodedPositions());
            assertThat(a.decodedTokens()).as(step + ": decoded tokens").containsExactly(b.decodedTokens());
        }
        assertThat(after.stats() == null).as(what + ": stopped at the cap").isEqualTo(before.stats() == null);
        if (before.stats() != null) {
            assertThat(after.stats().nfe()).isEqualTo(before.stats().nfe());
            assertThat(after.stats().layerRows()).isEqualTo(before.stats().layerRows());
            assertThat(after.stats().recomputeFraction()).isEqualTo(before.stats().recomputeFraction());
        }
        return after;
    }

    @Test
    void elasticCacheDecidesExactlyAsTheReferenceLoop() {
        TreeSet<String> resets = new TreeSet<>();
        int runs = 0;
        for (int m = 0; m < models.size(); m++) {
            LladaModel model = models.get(m);
            int layers = model.config().nLayers();
            for (double gamma : new double[] {1e-9, 0.5, 0.9, 0.99, 1.0}) {
                for (int variant = 0; variant < 4; variant++) {
                    DecodingOptions.Builder o = DecodingOptions.builder().strategy(Strategy.ELASTIC).gamma(gamma)
                            .genLength(24 + 8 * variant).windowLength(new int[] {8, 4, 16, 6}[variant])
                            .trackNum(1 + variant % 3).threshold(variant == 3 ? null : new double[] {0.9, 0.02, 0.3}[variant])
                            .tokensPerIter(variant == 3 ? 2 : 1).blockCaching(variant != 2);
                    int[] prompt = prompt(31L * m + 7 * variant + (long) (gamma * 100), 5 + 3 * variant);
                    Run r = assertSame(model, prompt, null, o.build(),
                            "model " + m + " gamma " + gamma + " variant " + variant);
                    runs++;
                    for (StepRecord s : r.trace().subList(1, r.trace().size())) {
                        resets.add(s.startReset() == layers ? "none" : s.startReset() <= 1 ? "shallow" : "deep");
                    }
                }
            }
            // The oracle switch: every layer recomputed for every row at every step.
            assertSame(model, prompt(m, 9), null, DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(24)
                    .windowLength(8).fullRefresh(true).build(), "model " + m + " full refresh");
        }
        // The runs cover steps without a reset, resets at the first layers and resets deeper down.
        assertThat(resets).containsExactly("deep", "none", "shallow");
        assertThat(runs).isEqualTo(models.size() * 20);
    }

    @Test
    void elasticCacheTruncatesAtEosExactlyAsTheReferenceLoop() {
        for (long seed = 1; seed <= 4; seed++) {
            Run r = assertSame(eosModel, prompt(seed, 7), null, DecodingOptions.builder().strategy(Strategy.ELASTIC)
                    .genLength(48).windowLength(8).trackNum(2).build(), "eos seed " + seed);
            assertThat(r.sequence()).contains(eosModel.config().maskTokenId());
        }
    }

    @Test
    void everyOtherStrategyDecodesExactlyAsBefore() {
        for (int m = 0; m < models.size(); m++) {
            for (Strategy s : List.of(Strategy.LLADA, Strategy.FAST_DLLM, Strategy.FAST_DLLM_PREFIX, Strategy.FAST_DLLM_DUAL)) {
                for (Double threshold : new Double[] {0.9, 0.05, null}) {
                    DecodingOptions o = DecodingOptions.builder().strategy(s).genLength(32).blockLength(8)
                            .steps(s == Strategy.LLADA || threshold == null ? 16 : 0).threshold(threshold).build();
                    assertSame(models.get(m), prompt(m * 5L + s.ordinal(), 6 + m), null, o, s + " model " + m + " threshold " + threshold);
                }
            }
        }
    }

    @Test
    void structuredCanvasesDecodeExactlyAsBefore() {
        RandomSchemas schemas = new RandomSchemas(16);
        JsonSchemaCompiler compiler = new JsonSchemaCompiler(new InfillLimits(6, 6, 8, 3, 64));
        InfillFormat format = InfillSettings.tinyModels().format(tokenizer);
        CanvasBuilder builder = new CanvasBuilder(format);
        int canvases = 0;
        for (int i = 0; canvases < 6 && i < 500; i++) {
            SchemaNode node = compiler.compile(schemas.next().toString());
            Canvas canvas = builder.canvas(node, new Resolution());
            if (canvas.slots().isEmpty() || canvas.tokens().length > 48) {
                continue; // small canvases with holes keep the full-forward strategies quick
            }
            AnswerCanvas answer = new AnswerCanvas(canvas.tokens(), canvas.slots(), format, canvas.length());
            for (Strategy s : Strategy.values()) {
                DecodingOptions o = DecodingOptions.builder().strategy(s).genLength(32).blockLength(16)
                        .steps(s == Strategy.LLADA ? 8 : 0).threshold(s == Strategy.LLADA ? null : 0.9).windowLength(8).build();
                assertSame(models.get(i % models.size()), prompt(i, 5 + i % 7), answer, o, s + " canvas " + i);
            }
            canvases++;
        }
        assertThat(canvases).isEqualTo(6);
    }

    @Test
    void oneThreadRuleSwitchesOnlyOnMultiThreadedHostsAndRestoresTheCount() {
        LladaModel model = models.get(0);
        int configured = IntraOpThreads.get();
        IntraOpThreads.set(2);
        try (IntraOpThreads.Layers threads = IntraOpThreads.layers(model)) {
            threads.layer(20, 300);
            assertThat(IntraOpThreads.get()).as("small layer").isEqualTo(1);
            threads.layer(1_000_000, 300);
            assertThat(IntraOpThreads.get()).as("large layer").isEqualTo(2);
            threads.head(4);
            assertThat(IntraOpThreads.get()).isEqualTo(1);
        } finally {
            assertThat(IntraOpThreads.get()).as("restored").isEqualTo(2);
            IntraOpThreads.set(configured);
        }
        // A decode on two configured threads leaves two threads behind.
        IntraOpThreads.set(2);
        try {
            DecodingOptions o = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(16).build();
            Decoder.of(Strategy.ELASTIC).decode(DecodeRun.of(model, prompt(3, 8), o));
            assertThat(IntraOpThreads.get()).isEqualTo(2);
        } finally {
            IntraOpThreads.set(configured);
        }
    }
}
