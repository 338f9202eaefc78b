package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused blocks give the reference blocks' numbers bit for bit (not merely close): the decoders' decisions
 * (thresholds, drift tests, ties) may then use either without changing a token.
 */
class FusedBlocksTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "d={0} heads={1} kvHeads={2} layers={3}")
    @CsvSource({"32, 4, 4, 3", "32, 4, 2, 2", "48, 2, 1, 2", "64, 4, 4, 2", "256, 4, 4, 1"})
    void everyBlockMatchesTheReferenceBitForBit(int d, int heads, int kvHeads, int layers) {
        LladaConfig config = RandomCheckpoint.tinyConfig().dModel(d).nHeads(heads).nKvHeads(kvHeads).nLayers(layers)
                .mlpHiddenSize(2 * d + 6).build();
        Path folder = RandomCheckpoint.write(dir.resolve("m" + d + heads + kvHeads), config, 17, DType.BF16, 2);
        int n = 37;
        try (LladaModel model = LladaModel.load(folder); NDManager scope = model.manager().newSubManager()) {
            FusedBlocks fused = model.fused();
            int[] ids = LladaModelTest.randomIds(config, n, 5);
            NDList refTables = model.ropeTables(TensorOps.range(scope, n));
            NDList fusedTables = fused.ropeTables(TensorOps.range(scope, n));
            NDArray href = model.embed(TensorOps.indices(scope, ids));
            NDArray hfused = href;
            NDArray[] keysT = new NDArray[layers];
            NDArray[] values = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                Qkv a = model.project(l, href, refTables);
                Qkv b = fused.project(l, hfused, fusedTables);
                same(a.q(), b.q(), "q", l);
                same(a.k(), b.k(), "k", l);
                same(a.v(), b.v(), "v", l);
                keysT[l] = LladaModel.contiguousKeysT(a.k());
                values[l] = a.v().duplicate();
                AttentionOutput ra = model.attend(a.q(), LladaModel.keysT(a.k()), a.v());
                AttentionOutput fa = fused.attend(b.q(), LladaModel.keysT(b.k()), b.v());
                same(ra.probs(), fa.probs(), "probs", l);
                same(ra.context(), fa.context(), "context", l);
                href = model.completeBlock(l, href, ra.context());
                hfused = fused.completeBlock(l, hfused, fa.context());
                same(href, hfused, "block output", l);
            }
            same(model.logits(href), fused.logits(hfused), "logits", layers);

            // Query subsets in arbitrary order against cached (contiguous, transposed) keys, as the caches do.
            Random random = new Random(3);
            for (int rows : new int[] {1, 3, 20}) {
                int[] positions = random.ints(rows, 0, n).toArray();
                NDArray x = model.embed(TensorOps.indices(scope, positions)).mul(0.5f);
                NDArray positionIndex = TensorOps.indices(scope, positions);
                for (int l = 0; l < layers; l++) {
                    Qkv a = model.project(l, x, model.ropeTables(positionIndex));
                    Qkv b = fused.project(l, x, fused.ropeTables(positionIndex));
                    same(a.q(), b.q(), "subset q", l);
                    AttentionOutput ra = model.attend(a.q(), keysT[l], values[l]);
                    AttentionOutput fa = fused.attend(b.q(), keysT[l], values[l]);
                    same(ra.probs(), fa.probs(), "subset probs", l);
                    same(model.attentionProbs(a.q().get(":, :1, :"), keysT[l]),
                            fused.attentionProbs(b.q().get(":, :1, :"), keysT[l]), "tracked probs", l);
                    NDArray next = model.completeBlock(l, x, ra.context());
                    same(next, fused.completeBlock(l, x, fa.context()), "subset block output", l);
                    x = next;
                }
            }
        }
    }

    private static void same(NDArray expected, NDArray actual, String what, int layer) {
        assertThat(actual.getShape()).as(what + " shape, layer " + layer).isEqualTo(expected.getShape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) {
                throw new AssertionError(what + " differs at layer " + layer + " element " + i + ": " + e[i] + " vs " + a[i]);
            }
        }
    }
}
