package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DreamModelTest {

    /** fp32 forward against the float64 oracle: largest absolute logit difference allowed. */
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} shards={1} heads={2}/{3} tied={4}")
    @CsvSource({
        "F32, 1, 4, 2, false",
        "BF16, 3, 4, 2, false",
        "F32, 1, 4, 4, true",
        "BF16, 2, 4, 1, true",
        "F16, 1, 8, 2, false"
    })
    void fullForwardMatchesFloat64Oracle(DType dtype, int shards, int heads, int kvHeads, boolean tied) throws Exception {
        DreamConfig config = RandomDreamCheckpoint.tinyConfig()
                .numAttentionHeads(heads).numKeyValueHeads(kvHeads).tieWordEmbeddings(tied).build();
        Path folder = RandomDreamCheckpoint.write(dir.resolve("m"), config, 7, dtype, shards);
        assertThat(Files.exists(folder.resolve("model.safetensors.index.json"))).isEqualTo(shards > 1);
        int[] ids = randomIds(config, 23, 1);
        double[][] expected;
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            expected = new NaiveDreamForward(reader, config).logits(ids);
        }
        try (DreamModel model = DreamModel.load(folder); NDManager scope = model.manager().newSubManager()) {
            float[] actual = model.forward(TensorOps.indices(scope, ids)).toFloatArray();
            assertClose(actual, expected, allRows(ids.length));
        }
    }

    @Test
    void shiftedLogitsPredictPositionPFromRowPMinusOne() {
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().build();
        Path folder = RandomDreamCheckpoint.write(dir.resolve("m"), config, 3, DType.F32, 1);
        int[] ids = randomIds(config, 11, 2);
        double[][] expected;
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            expected = new NaiveDreamForward(reader, config).shiftedLogits(ids);
        }
        try (DreamModel model = DreamModel.load(folder); NDManager scope = model.manager().newSubManager()) {
            NDArray idArray = TensorOps.indices(scope, ids);
            float[] raw = model.forward(idArray).toFloatArray();
            float[] shifted = model.forwardShifted(idArray).toFloatArray();
            assertClose(shifted, expected, allRows(ids.length));
            int v = config.vocabSize();
            // row 0 keeps its own logits; row p is exactly row p-1 of the unshifted forward
            assertThat(java.util.Arrays.copyOfRange(shifted, 0, v)).containsExactly(java.util.Arrays.copyOfRange(raw, 0, v));
            for (int p = 1; p < ids.length; p++) {
                assertThat(java.util.Arrays.copyOfRange(shifted, p * v, (p + 1) * v))
                        .containsExactly(java.util.Arrays.copyOfRange(raw, (p - 1) * v, p * v));
            }
            NDArray one = TensorOps.indices(scope, new int[] {ids[0]});
            assertThat(model.forwardShifted(one).toFloatArray()).containsExactly(model.forward(one).toFloatArray());
        }
    }

    @Test
    void partialQueryRowsOverCachedKeysMatchOracle() {
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().build();
        Path folder = RandomDreamCheckpoint.write(dir.resolve("m"), config, 11, DType.F32, 1);
        int[] ids = randomIds(config, 19, 2);
        int[] rows = {17, 2, 9, 5}; // arbitrary order, absolute positions
        double[][] expected;
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            expected = new NaiveDreamForward(reader, config).logits(ids);
        }
        try (DreamModel model = DreamModel.load(folder); NDManager scope = model.manager().newSubManager()) {
            NDArray[] keys = new NDArray[config.numHiddenLayers()];
            NDArray[] values = new NDArray[config.numHiddenLayers()];
            NDList all = model.ropeTables(TensorOps.range(scope, ids.length));
            NDArray h = model.embed(TensorOps.indices(scope, ids));
            for (int l = 0; l < config.numHiddenLayers(); l++) {
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
            for (int l = 0; l < config.numHiddenLayers(); l++) {
                Qkv qkv = model.project(l, x, tables);
                AttentionOutput out = model.attend(qkv.q(), LladaModel.keysT(keys[l]), values[l]);
                assertThat(out.probs().getShape().getShape())
                        .containsExactly(config.numAttentionHeads(), rows.length, ids.length);
                x = model.completeBlock(l, x, out.context());
            }
            assertClose(model.logits(x).toFloatArray(), expected, rows);
        }
    }

    @Test
    void checkpointWithoutAttentionBiasAndExplicitHeadDim() {
        // converted checkpoints: "attention_bias": false, and a head_dim that is not hidden_size / heads
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().attentionBias(false).headDim(6).build();
        assertThat(config.headDim() * config.numAttentionHeads()).isNotEqualTo(config.hiddenSize());
        Path folder = RandomDreamCheckpoint.write(dir.resolve("m"), config, 5, DType.BF16, 1);
        assertThat(DreamConfig.read(folder)).isEqualTo(config);
        int[] ids = randomIds(config, 9, 4);
        double[][] expected;
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            assertThat(reader.tensorNames()).noneMatch(n -> n.endsWith(".bias"));
            expected = new NaiveDreamForward(reader, config).logits(ids);
        }
        try (DreamModel model = DreamModel.load(folder); NDManager scope = model.manager().newSubManager()) {
            assertClose(model.forward(TensorOps.indices(scope, ids)).toFloatArray(), expected, allRows(ids.length));
        }
    }

    @Test
    void biasesMatter() {
        // guards the oracle test: with the biases zeroed the logits move well beyond the tolerance
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().build();
        var tensors = RandomDreamCheckpoint.weights(config, 7);
        Path withBias = RandomDreamCheckpoint.write(dir.resolve("a"), config, tensors, DType.F32, 1);
        tensors.replaceAll((name, data) -> name.endsWith(".bias") ? new float[data.length] : data);
        Path zeroBias = RandomDreamCheckpoint.write(dir.resolve("b"), config, tensors, DType.F32, 1);
        int[] ids = randomIds(config, 8, 9);
        try (DreamModel a = DreamModel.load(withBias); DreamModel b = DreamModel.load(zeroBias);
                NDManager sa = a.manager().newSubManager(); NDManager sb = b.manager().newSubManager()) {
            float[] x = a.forward(TensorOps.indices(sa, ids)).toFloatArray();
            float[] y = b.forward(TensorOps.indices(sb, ids)).toFloatArray();
            double worst = 0;
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
            assertThat(worst).isGreaterThan(100 * TOLERANCE);
        }
    }

    @Test
    void sequenceLongerThanTheRopeTablesIsRejected() {
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().build();
        Path folder = RandomDreamCheckpoint.write(dir.resolve("m"), config, 1, DType.F32, 1);
        try (DreamModel model = DreamModel.load(folder, ai.djl.Device.cpu(), 8);
                NDManager scope = model.manager().newSubManager()) {
            assertThat(model.maxContext()).isEqualTo(8);
            assertThatThrownBy(() -> model.forward(TensorOps.indices(scope, new int[9])))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("9 tokens")
                    .hasMessageContaining("8 positions");
        }
    }

    @Test
    void loadingAndScopedForwardsLeaveOnlyTheModelsArrays() {
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().build();
        Path folder = RandomDreamCheckpoint.write(dir.resolve("m"), config, 2, DType.BF16, 2);
        try (DreamModel model = DreamModel.load(folder)) {
            int weights = model.manager().getManagedArrays().size();
            // per layer: 2 norms, fused bias, 4 transposed weights (contiguous copy + its transposed view);
            // embedding, head (copy + view), final norm, RoPE cos/sin and their [T, 1, hd] row forms (cos, signed
            // sin), sqrt(hd). Nothing of the staging is left.
            assertThat(weights).isEqualTo(config.numHiddenLayers() * (2 + 1 + 4 * 2) + 1 + 2 + 1 + 4 + 1);
            for (int round = 0; round < 3; round++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    model.forwardShifted(TensorOps.indices(scope, randomIds(config, 12, round))).toFloatArray();
                }
                assertThat(model.manager().getManagedArrays()).hasSize(weights);
            }
        }
    }

    private static int[] allRows(int n) {
        return IntStream.range(0, n).toArray();
    }

    static int[] randomIds(DreamConfig config, int n, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i % 5 == 4 ? config.maskTokenId() : r.nextInt(config.vocabSize());
        }
        return ids;
    }

    /** fp32 against fp64: the largest absolute difference over every logit of the given rows. */
    static void assertClose(float[] actual, double[][] expected, int[] rows) {
        int vocab = expected[0].length;
        assertThat(actual).hasSize(rows.length * vocab);
        double worst = 0;
        double largest = 0;
        for (int r = 0; r < rows.length; r++) {
            for (int v = 0; v < vocab; v++) {
                double e = expected[rows[r]][v];
                largest = Math.max(largest, Math.abs(e));
                worst = Math.max(worst, Math.abs(actual[r * vocab + v] - e));
            }
        }
        assertThat(largest).as("logits are not trivially small").isGreaterThan(0.5);
        assertThat(worst).as("max abs logit difference vs the float64 oracle (largest |logit| %.3f)", largest)
                .isLessThan(TOLERANCE);
    }
}
