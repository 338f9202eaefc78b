package dev.elasticcache.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.DreamTensorLayout;
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
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every strategy on random Dream checkpoints (GQA, q/k/v biases, MASK's head row zeroed): position p is decided
 * by logits row p-1 (dream.md §1.4, §4.1), checked token for token against cache-free loops that shift the
 * full forward's logits ({@link ReferenceDecoding}).
 */
class DreamDecodingTest {

    @TempDir
    static Path dir;

    static DreamModel model;
    static DreamModel eosModel;
    static int layers;

    @BeforeAll
    static void load() {
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().build();
        model = DreamModel.load(RandomDreamCheckpoint.write(dir.resolve("random"), config, 3, DType.F32, 1));
        layers = config.numHiddenLayers();
        eosModel = DreamModel.load(writeEosHeavyCheckpoint(dir.resolve("eos"), config));
    }

    @AfterAll
    static void close() {
        model.close();
        eosModel.close();
    }

    static int[] prompt(long seed, int n) {
        Random r = new Random(seed);
        return IntStream.range(0, n).map(i -> r.nextInt(280)).toArray();
    }

    static DecodeResult run(DreamModel m, int[] prompt, DecodingOptions o) {
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
    void elasticWithFullRefreshDecodesExactlyLikeTheShiftedCacheFreeLoop(Double threshold, int perIter, int window,
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
    void eosTruncationOnDreamFollowsTheShiftedLoop() {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(32).windowLength(8)
                .fullRefresh(true).build();
        int[] prompt = prompt(5, 7);
        DecodeResult fast = run(eosModel, prompt, o);
        ReferenceDecoding.Outcome ref = ReferenceDecoding.elastic(eosModel, prompt, o);
        assertThat(fast.sequence()).containsExactly(ref.sequence());
        int eos = eosModel.eosTokenId();
        int firstEos = IntStream.range(prompt.length, fast.sequence().length)
                .filter(p -> fast.sequence()[p] == eos).min().orElseThrow();
        assertThat(firstEos).isLessThan(fast.sequence().length - 1);
        assertThat(IntStream.range(firstEos + 1, fast.sequence().length).map(p -> fast.sequence()[p]))
                .contains(eosModel.maskTokenId());
    }

    @ParameterizedTest(name = "{0} steps={1}")
    @CsvSource({"LOW_CONFIDENCE, 16", "TOPK_MARGIN, 16", "ENTROPY, 16", "LOW_CONFIDENCE, 8", "ENTROPY, 4", "TOPK_MARGIN, 5"})
    void lladaStrategyOnDreamIsDreamsOwnBaseline(Remasking alg, int steps) {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.LLADA).genLength(16).blockLength(16).steps(steps)
                .remasking(alg).build();
        int[] prompt = prompt(11 + steps, 6);
        DecodeResult fast = run(model, prompt, o);
        List<int[]> expected = naiveDreamBaseline(model, prompt, 16, steps, alg);
        assertThat(decodedPerStep(fast)).usingRecursiveComparison().isEqualTo(expected);
        assertThat(fast.stats().nfe()).isEqualTo(steps);
        assertThat(fast.sequence()).doesNotContain(model.maskTokenId());
        if (steps == 16) {
            // steps = G: step 0 transfers int(16 * (1 - ts[1])) = int(0.999) = 0 tokens, the last step all that are left.
            assertThat(fast.trace().get(0).decodedPositions()).isEmpty();
        }
    }

    /**
     * dream.md §2 written out: a full forward every step with the logits shifted, k = int(masks * (1 - s / t)) in
     * fp32 (all masks at the last step), the k masks of highest confidence (maskgit_plus: max probability;
     * topk_margin: top1 - top2; entropy: sum p log(p + 1e-10)), lowest position first on ties.
     */
    static List<int[]> naiveDreamBaseline(DreamModel m, int[] prompt, int gen, int steps, Remasking alg) {
        int mask = m.maskTokenId();
        int[] x = ReferenceDecoding.init(prompt, gen, mask);
        float[] ts = DreamBaseline.linspace(1f, 1e-3f, steps + 1);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            int[] masks = ReferenceDecoding.masksIn(x, prompt.length, x.length, mask);
            float[][] logits = ReferenceDecoding.logitsRows(m, x, masks);
            double[] conf = new double[masks.length];
            int[] tok = new int[masks.length];
            for (int r = 0; r < masks.length; r++) {
                double[] p = new double[logits[r].length];
                double max = Double.NEGATIVE_INFINITY;
                for (float l : logits[r]) {
                    max = Math.max(max, l);
                }
                double sum = 0;
                for (int v = 0; v < p.length; v++) {
                    p[v] = Math.exp(logits[r][v] - max);
                    sum += p[v];
                }
                int arg = 0;
                for (int v = 0; v < p.length; v++) {
                    p[v] /= sum;
                    if (p[v] > p[arg]) {
                        arg = v;
                    }
                }
                double[] sorted = p.clone();
                Arrays.sort(sorted);
                double entropy = 0;
                for (double q : p) {
                    entropy += q * Math.log(q + 1e-10);
                }
                tok[r] = arg;
                conf[r] = alg == Remasking.LOW_CONFIDENCE ? p[arg]
                        : alg == Remasking.TOPK_MARGIN ? sorted[p.length - 1] - sorted[p.length - 2] : entropy;
            }
            int k = i == steps - 1 ? masks.length : (int) (masks.length * (1f - ts[i + 1] / ts[i]));
            List<Integer> chosen = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                int best = -1;
                for (int r = 0; r < masks.length; r++) {
                    if (!chosen.contains(r) && (best < 0 || conf[r] > conf[best])) {
                        best = r;
                    }
                }
                chosen.add(best);
            }
            chosen.sort(null);
            int[] decoded = chosen.stream().mapToInt(r -> masks[r]).toArray();
            for (int r : chosen) {
                x[masks[r]] = tok[r];
            }
            out.add(decoded);
        }
        return out;
    }

    @Test
    void theTimestepScheduleIsTorchLinspaceInFp32() {
        for (int n : new int[] {2, 9, 17, 33, 257, 513, 1025}) {
            float[] ts = DreamBaseline.linspace(1f, 1e-3f, n);
            assertThat(ts[0]).isEqualTo(1f);
            assertThat(ts[n - 1]).isEqualTo(1e-3f);
            float step = (1e-3f - 1f) / (n - 1);
            for (int i = 0; i < n; i++) {
                assertThat((double) ts[i]).isCloseTo(1.0 + i * (double) step, org.assertj.core.data.Offset.offset(1e-6));
                if (i > 0) {
                    assertThat(ts[i]).isLessThan(ts[i - 1]);
                }
            }
            // Chunk starts (every 8th element of a full 16-element turn) and the tail use the base formula.
            int half = n / 2;
            for (int i = 0; i < n; i++) {
                boolean chunkStart = i < n / 16 * 16 ? i % 8 == 0 : true;
                if (chunkStart) {
                    float base = i < half ? Math.fma(step, (float) i, 1f) : Math.fma(-step, (float) (n - 1 - i), 1e-3f);
                    assertThat(ts[i]).as("n=%d i=%d", n, i).isEqualTo(base);
                } else {
                    int start = i / 8 * 8;
                    float base = start < half ? Math.fma(step, (float) start, 1f) : Math.fma(-step, (float) (n - 1 - start), 1e-3f);
                    assertThat(ts[i]).as("n=%d i=%d", n, i).isEqualTo(base + (i - start) * step);
                }
            }
        }
        assertThat(DreamBaseline.transfers(16, 1f, DreamBaseline.linspace(1f, 1e-3f, 17)[1])).isZero();
    }

    @Test
    void dreamRemaskingOnLladaAndRandomOnDreamAreRefused() {
        DecodingOptions random = DecodingOptions.builder().strategy(Strategy.LLADA).genLength(8).blockLength(8)
                .remasking(Remasking.RANDOM).build();
        assertThatThrownBy(() -> run(model, prompt(1, 4), random)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("random remasking");
        dev.elasticcache.model.LladaConfig c = dev.elasticcache.checkpoint.RandomCheckpoint.tinyConfig().build();
        try (dev.elasticcache.model.LladaModel llada = dev.elasticcache.model.LladaModel.load(
                dev.elasticcache.checkpoint.RandomCheckpoint.write(dir.resolve("llada"), c, 1, DType.F32, 1))) {
            DecodingOptions entropy = random.mutate().remasking(Remasking.ENTROPY).build();
            assertThatThrownBy(() -> Decoder.of(Strategy.LLADA).decode(DecodeRun.of(llada, prompt(1, 4), entropy)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entropy");
        }
    }

    @ParameterizedTest
    @CsvSource({"0.02, 8, 16", "0.9, 8, 16", "0.3, 16, 16", "0.5, 4, 32", "0.99, 2, 24"})
    void fastDllmWithoutCacheIsTheOfficialDreamFormWithoutBlocksAndWithCarryOver(double threshold, int block, int gen) {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.FAST_DLLM).genLength(gen).blockLength(block)
                .threshold(threshold).build();
        int[] prompt = prompt(13, 6);
        DecodeResult fast = run(model, prompt, o);
        ReferenceDecoding.Outcome ref = ReferenceDecoding.fastDllmDreamParallel(model, prompt, o);
        assertThat(fast.sequence()).containsExactly(ref.sequence());
        assertThat(decodedPerStep(fast)).usingRecursiveComparison().isEqualTo(ref.decodedPerStep());
    }

    @Test
    void everyCachedStrategyStartsWithThePlainShiftedFullForward() {
        int[] prompt = prompt(17, 8);
        DecodingOptions fd = DecodingOptions.builder().strategy(Strategy.FAST_DLLM).genLength(16).blockLength(8)
                .threshold(0.02).build();
        int[] firstStep = run(model, prompt, fd).trace().get(0).decodedPositions();
        assertThat(firstStep).containsExactly(ReferenceDecoding.fastDllmDreamParallel(model, prompt, fd).decodedPerStep().get(0));
        // Dream's threshold caches decode exactly the block's first position at the block start: the argmax of the
        // plain full forward's row before it.
        int[] x = ReferenceDecoding.init(prompt, 16, model.maskTokenId());
        int expected = (int) ReferenceDecoding.best(ReferenceDecoding.logitsRows(model, x, new int[] {prompt.length})[0])[0];
        for (Strategy s : List.of(Strategy.FAST_DLLM_PREFIX, Strategy.FAST_DLLM_DUAL)) {
            DecodeResult r = run(model, prompt, fd.mutate().strategy(s).build());
            assertThat(r.trace().get(0).decodedPositions()).as(s.id()).containsExactly(prompt.length);
            assertThat(r.trace().get(0).decodedTokens()).as(s.id()).containsExactly(expected);
            assertThat(r.trace().get(0).queryRows()).hasSize(prompt.length + 16);
        }
        DecodingOptions el = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(16).windowLength(8)
                .threshold(0.02).build();
        DecodeResult elastic = run(model, prompt, el);
        assertThat(elastic.trace().get(0).decodedPositions())
                .containsExactly(ReferenceDecoding.elastic(model, prompt, el).decodedPerStep().get(0));
    }

    @ParameterizedTest(name = "threshold={0}")
    @CsvSource({"0.9", "0.3", "'',"})
    void fastDllmCachesOnDreamFeedTheDocumentedRows(String thresholdText) {
        Double threshold = thresholdText == null || thresholdText.isEmpty() ? null : Double.valueOf(thresholdText);
        int[] prompt = prompt(19, 5);
        DecodingOptions o = DecodingOptions.builder().genLength(16).blockLength(8).threshold(threshold).build();
        int n = prompt.length + 16;
        for (Strategy s : List.of(Strategy.FAST_DLLM_PREFIX, Strategy.FAST_DLLM_DUAL)) {
            DecodeResult r = run(model, prompt, o.mutate().strategy(s).build());
            int blockStart = -1;
            int cachedSteps = 0;
            int blockStarts = 0;
            for (StepRecord step : r.trace()) {
                int from = prompt.length + (step.window()[0] - prompt.length) / 8 * 8;
                int to = s == Strategy.FAST_DLLM_PREFIX ? n : from + 8;
                if (from != blockStart) {
                    assertThat(step.queryRows()).hasSize(n);
                    if (threshold != null) {
                        // Dream's block start: exactly one token, the block's first position.
                        assertThat(step.decodedPositions()).as(s.id()).containsExactly(from);
                    }
                    blockStart = from;
                    blockStarts++;
                } else {
                    // With a threshold the cached steps feed from the block start (its first position is decoded);
                    // on the schedule path row from-1 is fed too, for the first position's logits.
                    int first = threshold != null ? from : from - 1;
                    assertThat(step.queryRows()).as(s.id()).containsExactly(IntStream.range(first, to).toArray());
                    assertThat(step.startReset()).isEqualTo(layers);
                    cachedSteps++;
                }
            }
            assertThat(blockStarts).isEqualTo(2);
            assertThat(cachedSteps).isPositive();
            assertThat(r.stats().nfe()).isEqualTo(blockStarts + cachedSteps);
            assertThat(r.sequence()).doesNotContain(model.maskTokenId());
        }
    }

    @Test
    void elasticQueriesTheRowsBeforeTheWindowDuplicatesKept() {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(20).windowLength(6)
                .threshold(0.02).trackNum(2).gamma(0.9).build();
        int[] prompt = prompt(23, 8);
        DecodeResult r = run(model, prompt, o);
        int n = prompt.length + 20;
        int mask = model.maskTokenId();
        int[] replay = Arrays.copyOf(prompt, n);
        Arrays.fill(replay, prompt.length, n, mask);
        long expectedRows = 0;
        StepRecord previous = null;
        for (StepRecord step : r.trace()) {
            int[] masked = IntStream.range(prompt.length, n).filter(p -> replay[p] == mask).toArray();
            int[] window = Arrays.copyOf(masked, Math.min(6, masked.length));
            assertThat(step.window()).containsExactly(window);
            if (previous == null) {
                assertThat(step.queryRows()).hasSize(n);
                expectedRows += (long) n * layers;
            } else {
                int[] rowsBefore = Arrays.stream(window).map(p -> p - 1).toArray();
                int[] expected = dev.elasticcache.TokenIds.concat(previous.track(), previous.decodedPositions(), rowsBefore);
                assertThat(step.queryRows()).containsExactly(expected);
                int sr = step.startReset();
                expectedRows += (long) step.queryRows().length * sr + (long) n * (layers - sr);
            }
            for (int t : step.track()) {
                assertThat(Arrays.binarySearch(masked, t)).as("tracked %d is masked", t).isNegative();
            }
            for (int i = 0; i < step.decodedPositions().length; i++) {
                replay[step.decodedPositions()[i]] = step.decodedTokens()[i];
            }
            previous = step;
        }
        assertThat(replay).containsExactly(r.sequence());
        assertThat(r.stats().layerRows()).isEqualTo(expectedRows);
        // p-1 of the first window position is usually last step's decode: the same row is fed twice.
        assertThat(r.trace().stream().skip(1).anyMatch(s -> Arrays.stream(s.queryRows()).distinct().count() < s.queryRows().length))
                .as("some step feeds a row twice").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void preStepCostDecodersDecideExactlyAsTheFastOnesOnDream(Strategy strategy) {
        DecodingOptions o = DecodingOptions.builder().strategy(strategy).genLength(16).blockLength(8).windowLength(6)
                .threshold(strategy == Strategy.LLADA ? null : 0.3).trackNum(2).gamma(0.95).build();
        int[] prompt = prompt(31, 7);
        DecodeResult fast = run(model, prompt, o);
        DecodeResult ref = ReferenceDecoders.of(strategy).decode(new DecodeRun(model, prompt, o, null, null, true));
        assertThat(fast.sequence()).containsExactly(ref.sequence());
        assertThat(fast.trace()).hasSameSizeAs(ref.trace());
        for (int i = 0; i < fast.trace().size(); i++) {
            StepRecord a = fast.trace().get(i);
            StepRecord b = ref.trace().get(i);
            assertThat(a.queryRows()).containsExactly(b.queryRows());
            assertThat(a.startReset()).isEqualTo(b.startReset());
            assertThat(a.track()).containsExactly(b.track());
            assertThat(a.decodedPositions()).containsExactly(b.decodedPositions());
            assertThat(a.decodedTokens()).containsExactly(b.decodedTokens());
        }
        assertThat(fast.sequence()).doesNotContain(model.maskTokenId());
    }

    @Test
    void anEmptyPromptIsRejectedForAShiftedFamily() {
        DecodingOptions o = DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(8).build();
        assertThatThrownBy(() -> DecodeRun.of(model, new int[0], o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one token");
    }

    /** A Dream checkpoint whose head only knows EOS and one other id, so EOS appears early and truncation happens. */
    static Path writeEosHeavyCheckpoint(Path folder, DreamConfig config) {
        Map<String, float[]> w = RandomDreamCheckpoint.weights(config, 41);
        float[] head = w.get(DreamTensorLayout.HEAD);
        int d = config.hiddenSize();
        Random r = new Random(43);
        Arrays.fill(head, 0f);
        for (int i = 0; i < d; i++) {
            float v = (float) (3 * r.nextGaussian());
            head[config.eosTokenId() * d + i] = v;
            head[65 * d + i] = -v;
        }
        return RandomDreamCheckpoint.write(folder, config, w, DType.F32, 1);
    }
}
