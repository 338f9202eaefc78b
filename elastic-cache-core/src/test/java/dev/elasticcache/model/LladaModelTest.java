package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LladaModelTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} shards={1} kvHeads={2} tied={3}")
    @CsvSource({"F32, 1, 4, false", "BF16, 1, 4, false", "BF16, 3, 2, false", "F16, 2, 1, true"})
    void fullForwardMatchesFloat64Oracle(DType dtype, int shards, int kvHeads, boolean tied) {
        LladaConfig config = RandomCheckpoint.tinyConfig().nKvHeads(kvHeads).weightTying(tied).build();
        Path folder = RandomCheckpoint.write(dir.resolve("m"), config, 7, dtype, shards);
        int[] ids = randomIds(config, 23, 1);
        double[][] expected;
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            expected = new NaiveLladaForward(reader, config).logits(ids);
        }
        try (LladaModel model = LladaModel.load(folder); NDManager scope = model.manager().newSubManager()) {
            float[] actual = model.forward(TensorOps.indices(scope, ids)).toFloatArray();
            assertClose(actual, expected, allRows(ids.length));
        }
    }

    @ParameterizedTest(name = "kvHeads={0}")
    @CsvSource({"4", "2"})
    void partialQueryRowsOverCachedKeysMatchOracle(int kvHeads) {
        LladaConfig config = RandomCheckpoint.tinyConfig().nKvHeads(kvHeads).build();
        Path folder = RandomCheckpoint.write(dir.resolve("m"), config, 11, DType.F32, 1);
        int[] ids = randomIds(config, 19, 2);
        int[] rows = {17, 2, 9, 5}; // arbitrary order, absolute positions
        double[][] expected;
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            expected = new NaiveLladaForward(reader, config).logits(ids);
        }
        try (LladaModel model = LladaModel.load(folder); NDManager scope = model.manager().newSubManager()) {
            // Keys/values of every layer from a full pass; then recompute only `rows` against them.
            NDArray[] keys = new NDArray[config.nLayers()];
            NDArray[] values = new NDArray[config.nLayers()];
            NDList all = model.ropeTables(TensorOps.range(scope, ids.length));
            NDArray h = model.embed(TensorOps.indices(scope, ids));
            for (int l = 0; l < config.nLayers(); l++) {
                Qkv qkv = model.project(l, h, all);
                keys[l] = qkv.k();
                values[l] = qkv.v();
                h = model.completeBlock(l, h, model.attend(qkv.q(), LladaModel.keysT(qkv.k()), qkv.v()).context());
            }
            int[] sub = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                sub[i] = ids[rows[i]];
            }
            NDList tables = model.ropeTables(TensorOps.indices(scope, rows));
            NDArray x = model.embed(TensorOps.indices(scope, sub));
            for (int l = 0; l < config.nLayers(); l++) {
                Qkv qkv = model.project(l, x, tables);
                AttentionOutput out = model.attend(qkv.q(), LladaModel.keysT(keys[l]), values[l]);
                assertThat(out.probs().getShape().getShape()).containsExactly(config.nHeads(), rows.length, ids.length);
                x = model.completeBlock(l, x, out.context());
            }
            assertClose(model.logits(x).toFloatArray(), expected, rows);
        }
    }

    @ParameterizedTest(name = "kvHeads={0}")
    @CsvSource({"4", "2"})
    void batchedSequencesEachMatchTheFloat64Oracle(int kvHeads) {
        LladaConfig config = RandomCheckpoint.tinyConfig().nKvHeads(kvHeads).build();
        Path folder = RandomCheckpoint.write(dir.resolve("m"), config, 13, DType.F32, 1);
        int n = 17;
        int[][] sequences = {randomIds(config, n, 3), randomIds(config, n, 4), randomIds(config, n, 5)};
        int[] flat = new int[sequences.length * n];
        for (int b = 0; b < sequences.length; b++) {
            System.arraycopy(sequences[b], 0, flat, b * n, n);
        }
        try (CheckpointReader reader = CheckpointReader.open(folder);
                LladaModel model = LladaModel.load(folder);
                NDManager scope = model.manager().newSubManager()) {
            NaiveLladaForward oracle = new NaiveLladaForward(reader, config);
            float[] all = model.forwardSequences(TensorOps.indices(scope, flat).reshape(sequences.length, n)).toFloatArray();
            int vocab = config.embeddingSize();
            for (int b = 0; b < sequences.length; b++) {
                float[] rows = java.util.Arrays.copyOfRange(all, b * n * vocab, (b + 1) * n * vocab);
                // each sequence sees only its own keys, at its own positions 0..n-1
                assertClose(rows, oracle.logits(sequences[b]), allRows(n));
            }
        }
    }

    private static int[] allRows(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    static int[] randomIds(LladaConfig config, int n, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i % 5 == 4 ? config.maskTokenId() : r.nextInt(config.vocabSize());
        }
        return ids;
    }

    /** fp32 against fp64: tight relative tolerance on every logit of the given rows. */
    private static void assertClose(float[] actual, double[][] expected, int[] rows) {
        int vocab = expected[0].length;
        assertThat(actual).hasSize(rows.length * vocab);
        double worst = 0;
        for (int r = 0; r < rows.length; r++) {
            for (int v = 0; v < vocab; v++) {
                double e = expected[rows[r]][v];
                worst = Math.max(worst, Math.abs(actual[r * vocab + v] - e) / (1 + Math.abs(e)));
            }
        }
        assertThat(worst).as("max relative logit error vs float64 oracle").isLessThan(1e-4);
    }
}
