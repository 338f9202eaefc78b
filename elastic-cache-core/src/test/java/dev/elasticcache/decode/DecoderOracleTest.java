package dev.elasticcache.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.checkpoint.CheckpointWriter;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fast paths against cache-free references, token for token, on tiny random checkpoints. */
class DecoderOracleTest {

    @TempDir
    static Path dir;

    static LladaModel model;
    static LladaModel eosModel;
    static int layers;

    @BeforeAll
    static void load() {
        LladaConfig config = RandomCheckpoint.tinyConfig().nKvHeads(2).build();
        model = LladaModel.load(RandomCheckpoint.write(dir.resolve("random"), config, 3, DType.F32, 1));
        layers = config.nLayers();
        eosModel = LladaModel.load(writeEosHeavyCheckpoint(dir.resolve("eos"), config));
    }

    @AfterAll
    static void close() {
        model.close();
        eosModel.close();
    }

    static int[] prompt(long seed, int n) {
        Random r = new Random(seed);
        return IntStream.range(0, n).map(i -> r.nextInt(TinyTokenizerFiles.BYTE_TOKENS)).toArray();
    }

    static DecodeResult run(LladaModel m, int[] prompt, DecodingOptions o) {
        return Decoder.of(o.strategy()).decode(new DecodeRun(m, prompt, o, null, null, true));
    }

    static List<int[]> decodedPerStep(DecodeResult r) {
        List<int[]> out = new ArrayList<>();
        r.trace().forEach(s -> out.add(s.decodedPositions()));
        return out;
    }

    @ParameterizedTest(name = "threshold={0} perIter={1} window={2} blockCaching={3} track={4}")
    @CsvSource({
        "0.9, 1, 8, true, 1",
        "0.02, 1, 4, true, 2",
        "0.02, 1, 8, false, 1",
        ", 2, 6, true, 1",
        ", 3, 5, false, 3"})
    void elasticWithFullRefreshDecodesExactlyLikeTheCacheFreeLoop(Double threshold, int perIter, int window,
            boolean blockCaching, int track) {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(24).windowLength(window)
                .threshold(threshold).tokensPerIter(perIter).blockCaching(blockCaching).trackNum(track)
                .fullRefresh(true).build();
        int[] prompt = prompt(window * 31L + perIter, 9);
        DecodeResult fast = run(model, prompt, o);
        ReferenceDecoding.Outcome ref = ReferenceDecoding.elastic(model, prompt, o);
        assertThat(fast.sequence()).containsExactly(ref.sequence());
        assertThat(decodedPerStep(fast)).usingRecursiveComparison().isEqualTo(ref.decodedPerStep());
        assertThat(fast.stats().recomputeFraction()).isEqualTo(1.0);
    }

    @Test
    void eosTruncationStopsDecodingAfterTheFirstEosAndLeavesMasks() {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(32).windowLength(8)
                .fullRefresh(true).build();
        int[] prompt = prompt(5, 7);
        DecodeResult fast = run(eosModel, prompt, o);
        ReferenceDecoding.Outcome ref = ReferenceDecoding.elastic(eosModel, prompt, o);
        assertThat(fast.sequence()).containsExactly(ref.sequence());
        int eos = eosModel.config().eosTokenId();
        int mask = eosModel.config().maskTokenId();
        int firstEos = IntStream.range(prompt.length, fast.sequence().length)
                .filter(p -> fast.sequence()[p] == eos).min().orElseThrow();
        assertThat(firstEos).as("the EOS-heavy model must emit EOS before the end").isLessThan(fast.sequence().length - 1);
        // Positions after the first EOS that were not decoded in that same step stay masks.
        assertThat(IntStream.range(firstEos + 1, fast.sequence().length).map(p -> fast.sequence()[p]))
                .contains(mask);
        assertThat(fast.stats().answerTokens()).isLessThanOrEqualTo(firstEos - prompt.length);
        assertThat(fast.stats().nfe()).isLessThan(o.genLength());
    }

    @Test
    void lladaBaselineMatchesTheReferenceSampler() {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.LLADA).genLength(16).blockLength(8).steps(8)
                .build();
        int[] prompt = prompt(11, 6);
        DecodeResult fast = run(model, prompt, o);
        ReferenceDecoding.Outcome ref = ReferenceDecoding.llada(model, prompt, o);
        assertThat(fast.sequence()).containsExactly(ref.sequence());
        assertThat(decodedPerStep(fast)).usingRecursiveComparison().isEqualTo(ref.decodedPerStep());
        assertThat(fast.stats().nfe()).isEqualTo(8);
        assertThat(fast.trace()).allSatisfy(s -> assertThat(s.decodedPositions()).hasSize(2));
    }

    @Test
    void fastDllmWithoutCacheMatchesTheReferenceThresholdRule() {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.FAST_DLLM).genLength(16).blockLength(8)
                .threshold(0.02).build();
        int[] prompt = prompt(13, 6);
        DecodeResult fast = run(model, prompt, o);
        ReferenceDecoding.Outcome ref = ReferenceDecoding.fastDllm(model, prompt, o);
        assertThat(fast.sequence()).containsExactly(ref.sequence());
        assertThat(decodedPerStep(fast)).usingRecursiveComparison().isEqualTo(ref.decodedPerStep());
    }

    @Test
    void everyCachedStrategyStartsWithAPlainFullForward() {
        int[] prompt = prompt(17, 8);
        DecodingOptions fd = DecodingOptions.builder().strategy(Strategy.FAST_DLLM).genLength(16).blockLength(8)
                .threshold(0.02).build();
        int[] firstStep = run(model, prompt, fd).trace().get(0).decodedPositions();
        for (Strategy s : List.of(Strategy.FAST_DLLM_PREFIX, Strategy.FAST_DLLM_DUAL)) {
            DecodeResult r = run(model, prompt, fd.mutate().strategy(s).build());
            assertThat(r.trace().get(0).decodedPositions()).as(s.id()).containsExactly(firstStep);
            assertThat(r.trace().get(0).queryRows()).hasSize(prompt.length + 16);
        }
        DecodingOptions el = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(16).windowLength(8)
                .threshold(0.02).build();
        DecodeResult elastic = run(model, prompt, el);
        assertThat(elastic.trace().get(0).decodedPositions())
                .containsExactly(ReferenceDecoding.elastic(model, prompt, el).decodedPerStep().get(0));
        assertThat(elastic.trace().get(0).startReset()).isZero();
    }

    @Test
    void fastDllmCachesReuseTheDocumentedRows() {
        int[] prompt = prompt(19, 5);
        DecodingOptions o = DecodingOptions.builder().genLength(16).blockLength(8).threshold(0.9).build();
        int n = prompt.length + 16;
        for (Strategy s : List.of(Strategy.FAST_DLLM_PREFIX, Strategy.FAST_DLLM_DUAL)) {
            DecodeResult r = run(model, prompt, o.mutate().strategy(s).build());
            int blockStart = prompt.length;
            for (StepRecord step : r.trace()) {
                int block = (step.window()[0] - prompt.length) / 8;
                int from = prompt.length + block * 8;
                if (from != blockStart) {
                    // First step of a new block: full refresh.
                    assertThat(step.queryRows()).hasSize(n);
                    blockStart = from;
                } else if (step.queryRows().length != n) {
                    int to = s == Strategy.FAST_DLLM_PREFIX ? n : from + 8;
                    assertThat(step.queryRows()).as(s.id()).containsExactly(IntStream.range(from, to).toArray());
                    assertThat(step.startReset()).isEqualTo(layers);
                }
            }
            assertThat(r.stats().nfe()).isEqualTo(16); // threshold never reached: one token per step
            assertThat(r.stats().recomputeFraction()).isEqualTo(2.0 / 16);
        }
    }

    @Test
    void elasticQueriesTrackedTokensLastDecodesAndTheWindowOnly() {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(20).windowLength(6)
                .threshold(0.02).trackNum(2).gamma(0.9).build();
        int[] prompt = prompt(23, 8);
        DecodeResult r = run(model, prompt, o);
        int n = prompt.length + 20;
        int mask = model.config().maskTokenId();
        int[] replay = Arrays.copyOf(prompt, n);
        Arrays.fill(replay, prompt.length, n, mask);
        long expectedRows = 0;
        StepRecord previous = null;
        for (StepRecord step : r.trace()) {
            int[] masked = IntStream.range(prompt.length, n).filter(p -> replay[p] == mask).toArray();
            assertThat(step.window()).containsExactly(Arrays.copyOf(masked, Math.min(6, masked.length)));
            if (previous == null) {
                assertThat(step.queryRows()).hasSize(n);
                expectedRows += (long) n * layers;
            } else {
                int[] expected = dev.elasticcache.TokenIds.concat(previous.track(), previous.decodedPositions(), step.window());
                assertThat(step.queryRows()).containsExactly(expected);
                // Layers below start_reset compute the query rows; from start_reset on, all N rows.
                int sr = step.startReset();
                expectedRows += (long) step.queryRows().length * sr + (long) n * (layers - sr);
            }
            // Tracked tokens are never positions that were masked during the step's forward.
            for (int t : step.track()) {
                assertThat(Arrays.binarySearch(masked, t)).as("tracked %d is masked", t).isNegative();
            }
            assertThat(step.track()).isSorted().hasSizeLessThanOrEqualTo(2 * layers);
            for (int i = 0; i < step.decodedPositions().length; i++) {
                replay[step.decodedPositions()[i]] = step.decodedTokens()[i];
            }
            previous = step;
        }
        assertThat(replay).containsExactly(r.sequence());
        assertThat(r.stats().layerRows()).isEqualTo(expectedRows);
    }

    @Test
    void gammaDecidesHowDeepTheCacheIsRefreshed() {
        int[] prompt = prompt(29, 8);
        DecodingOptions base = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(16).windowLength(8)
                .threshold(0.9).build();
        DecodeResult never = run(model, prompt, base.mutate().gamma(1e-9).build());
        assertThat(never.trace().subList(1, never.trace().size()))
                .allSatisfy(s -> assertThat(s.startReset()).isEqualTo(layers));
        assertThat(never.stats().recomputeFraction()).isEqualTo(1.0 / never.stats().nfe());
        DecodeResult always = run(model, prompt, base.mutate().gamma(1.0).build());
        // A similarity below 1 at layer 0 makes every deeper layer recompute all rows (start_reset = 1).
        assertThat(always.trace().subList(1, always.trace().size()))
                .allSatisfy(s -> assertThat(s.startReset()).isEqualTo(1));
        assertThat(always.stats().recomputeFraction()).isGreaterThan(never.stats().recomputeFraction());
        assertThat(always.stats().layerRows()).isGreaterThan(never.stats().layerRows());
    }

    @Test
    void driftSimilarityIsTheCosineOverHeadsAveragedOverTokensAndKeys() {
        try (NDManager m = model.manager().newSubManager()) {
            // [heads=2, tokens=1, keys=2]: key 0 identical (cos 1), key 1 orthogonal (cos 0) -> mean 0.5
            NDArray before = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 1, 2));
            NDArray after = m.create(new float[] {2, 1, 0, 0}, new Shape(2, 1, 2));
            assertThat(ElasticCacheDecoder.similarity(before, after)).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
            NDArray zero = m.zeros(new Shape(2, 1, 2));
            assertThat(ElasticCacheDecoder.similarity(zero, after)).isZero();
        }
    }

    @Test
    void thresholdRulesKeepTheMostConfidentAndEverythingAboveTheBar() {
        assertThat(ElasticCacheDecoder.confident(new double[] {0.2, 0.95, 0.91, 0.3}, 0.9)).containsExactly(1, 2);
        assertThat(ElasticCacheDecoder.confident(new double[] {0.2, 0.5, 0.5, 0.3}, 0.9)).containsExactly(1, 2);
        assertThat(FastDllmDecoder.aboveThreshold(new double[] {0.2, 0.5, 0.5, 0.3}, 0.9)).containsExactly(1);
        assertThat(FastDllmDecoder.aboveThreshold(new double[] {0.95, 0.2, 0.97}, 0.9)).containsExactly(2, 0);
        assertThat(TransferSchedule.of(10, 4)).containsExactly(3, 3, 2, 2);
        assertThat(TransferSchedule.of(3, 5)).containsExactly(1, 1, 1, 0, 0);
    }

    /** A checkpoint whose head only knows EOS and one letter, so EOS appears early and truncation happens. */
    static Path writeEosHeavyCheckpoint(Path folder, LladaConfig config) {
        Map<String, float[]> w = RandomCheckpoint.weights(config, 41);
        float[] head = w.get(LladaTensorLayout.HEAD);
        int d = config.dModel();
        Random r = new Random(43);
        Arrays.fill(head, 0f);
        for (int i = 0; i < d; i++) {
            // Antipodal rows: every position is confidently either EOS or 'b', about half of them EOS.
            float v = (float) (3 * r.nextGaussian());
            head[config.eosTokenId() * d + i] = v;
            head[65 * d + i] = -v;
        }
        CheckpointWriter writer = new CheckpointWriter(DType.F32);
        Map<String, long[]> shapes = LladaTensorLayout.expectedShapes(config);
        w.forEach((name, data) -> writer.add(name, shapes.get(name), data));
        writer.writeSingle(folder);
        config.write(folder.resolve(LladaCheckpoint.CONFIG_FILE));
        TinyTokenizerFiles.write(folder);
        return folder;
    }
}
