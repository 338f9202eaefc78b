package dev.elasticcache.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.model.weights.WeightLoader;
import dev.elasticcache.model.weights.WeightStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DJL SigLIP tower and projector against the float64 oracle on small random checkpoints. */
class SiglipOracleTest {

    /** fp32 against fp64 through 2 layers and the projector: observed worst errors are ~5e-7 of the values' scale. */
    static final double TOLERANCE = 5e-6;

    @TempDir
    Path dir;

    @BeforeAll
    static void offline() {
        DjlDefaults.apply();
    }

    @ParameterizedTest(name = "{0} shards={1} lastLayerInCheckpoint={2} projector={3}")
    @CsvSource({
            "F32, 1, false, mlp2x_gelu",
            "BF16, 1, false, mlp2x_gelu",
            "BF16, 3, true, mlp2x_gelu",
            "F16, 2, false, mlp3x_gelu",
            "F32, 1, false, linear"})
    void towerAndProjectorMatchTheFloat64Oracle(DType dtype, int shards, boolean lastLayer, String projector) {
        RandomLladaV.Spec spec = RandomLladaV.small().dtype(dtype).shards(shards).writeLastLayer(lastLayer).projector(projector);
        Path folder = RandomLladaV.write(dir.resolve("m"), spec);
        VisionConfig config = VisionConfig.read(folder.resolve("config.json"));
        int n = 3;
        float[] pixels = RandomLladaV.pixels(n, spec.imageSize(), 42);
        try (CheckpointReader reader = CheckpointReader.open(folder); NDManager manager = NDManager.newBaseManager()) {
            assertThat(reader.isSharded()).isEqualTo(shards > 1);
            NaiveVision oracle = new NaiveVision(reader, config);
            double[][][] expectedFeatures = oracle.tower(pixels, n);
            // 16-bit checkpoints keep their matrices mapped (the real-size path), fp32 ones are loaded
            boolean mapped = dtype != DType.F32;
            VisionWeights weights = VisionWeights.load(reader, config,
                    new WeightLoader(reader, manager, mapped ? WeightStorage.MAPPED_16BIT : WeightStorage.FP32));
            assertThat(weights.layers()[0].qkv() instanceof dev.elasticcache.model.weights.MappedLinear).isEqualTo(mapped);
            if (mapped) {
                // bit for bit the fp32 load's features
                SiglipVisionTower widened = new SiglipVisionTower(config,
                        VisionWeights.load(reader, config, new WeightLoader(reader, manager, WeightStorage.FP32)));
                try (NDManager scope = manager.newSubManager()) {
                    NDArray px = scope.create(pixels, new Shape(n, 3, spec.imageSize(), spec.imageSize()));
                    assertThat(new SiglipVisionTower(config, weights).forward(px).toFloatArray())
                            .containsExactly(widened.forward(px).toFloatArray());
                }
            }
            SiglipVisionTower tower = new SiglipVisionTower(config, weights);
            MlpProjector proj = new MlpProjector(weights);
            try (NDManager scope = manager.newSubManager()) {
                NDArray px = scope.create(pixels, new Shape(n, 3, spec.imageSize(), spec.imageSize()));
                NDArray features = tower.forward(px);
                assertThat(features.getShape()).isEqualTo(new Shape(n, 4, spec.hidden()));
                assertClose(features.toFloatArray(), flatten(expectedFeatures), "tower");
                NDArray projected = proj.forward(features);
                assertThat(projected.getShape()).isEqualTo(new Shape(n, 4, spec.textHidden()));
                double[][][] expectedProjected = new double[n][][];
                for (int i = 0; i < n; i++) {
                    expectedProjected[i] = oracle.project(expectedFeatures[i]);
                }
                assertClose(projected.toFloatArray(), flatten(expectedProjected), "projector");
            }
        }
    }

    @Test
    void theOracleDoesNotSeeTheDroppedLayerOrTheUnseenPixels() {
        // The dropped layer (written with values ~1e4) and post_layernorm would wreck the features if they were used;
        // the 2 pixel rows/columns past 2 * 14 = 28 of a 30-pixel tile never reach the convolution.
        RandomLladaV.Spec spec = RandomLladaV.small().writeLastLayer(true);
        Path folder = RandomLladaV.write(dir.resolve("m"), spec);
        VisionConfig config = VisionConfig.read(folder.resolve("config.json"));
        float[] a = RandomLladaV.pixels(1, 30, 5);
        float[] b = a.clone();
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < 30; y++) {
                for (int x = 28; x < 30; x++) {
                    b[(ch * 30 + y) * 30 + x] = 1f - b[(ch * 30 + y) * 30 + x];
                    b[(ch * 30 + x) * 30 + y] = -b[(ch * 30 + x) * 30 + y];
                }
            }
        }
        try (CheckpointReader reader = CheckpointReader.open(folder); NDManager manager = NDManager.newBaseManager()) {
            SiglipVisionTower tower = new SiglipVisionTower(config,
                    VisionWeights.load(reader, config, new WeightLoader(reader, manager, WeightStorage.FP32)));
            float[] fa = tower.forward(manager.create(a, new Shape(1, 3, 30, 30))).toFloatArray();
            float[] fb = tower.forward(manager.create(b, new Shape(1, 3, 30, 30))).toFloatArray();
            assertThat(fb).containsExactly(fa);
            double maxAbs = 0;
            for (float v : fa) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertThat(maxAbs).as("features stay O(1): no 1e4 weights used").isLessThan(100);
        }
    }

    @Test
    void geluVariantsAreTheOnesTheCodeUses() {
        // The tower's MLP uses gelu_pytorch_tanh, the projector nn.GELU() (erf): they differ by up to ~5e-4,
        // far above fp32 rounding, so a swap would be caught.
        double[] xs = {-3, -2.2, -1.5, -0.7, 0, 0.3, 1, 1.9, 2.5, 4};
        float[] fx = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            fx[i] = (float) xs[i];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] tanh = SiglipVisionTower.geluTanh(m.create(fx)).toFloatArray();
            float[] erf = SiglipVisionTower.geluErf(m.create(fx)).toFloatArray();
            double maxGap = 0;
            for (int i = 0; i < xs.length; i++) {
                assertThat((double) tanh[i]).isCloseTo(NaiveVision.geluTanh(xs[i]), org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) erf[i]).isCloseTo(NaiveVision.geluErf(xs[i]), org.assertj.core.data.Offset.offset(1e-6));
                maxGap = Math.max(maxGap, Math.abs(NaiveVision.geluTanh(xs[i]) - NaiveVision.geluErf(xs[i])));
            }
            assertThat(maxGap).isGreaterThan(1e-4);
        }
    }

    @Test
    void oracleErfIsAccurate() {
        assertThat(NaiveVision.erf(0.5)).isCloseTo(0.5204998778130465, org.assertj.core.data.Offset.offset(1e-14));
        assertThat(NaiveVision.erf(1.0)).isCloseTo(0.8427007929497149, org.assertj.core.data.Offset.offset(1e-14));
        assertThat(NaiveVision.erf(2.0)).isCloseTo(0.9953222650189527, org.assertj.core.data.Offset.offset(1e-14));
        assertThat(NaiveVision.erf(3.0)).isCloseTo(0.9999779095030014, org.assertj.core.data.Offset.offset(1e-14));
        assertThat(NaiveVision.erf(-2.7)).isCloseTo(-0.9998656672600594, org.assertj.core.data.Offset.offset(1e-14));
    }

    static double[] flatten(double[][][] x) {
        int n = 0;
        for (double[][] a : x) {
            for (double[] b : a) {
                n += b.length;
            }
        }
        double[] out = new double[n];
        int i = 0;
        for (double[][] a : x) {
            for (double[] b : a) {
                for (double v : b) {
                    out[i++] = v;
                }
            }
        }
        return out;
    }

    static void assertClose(float[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        assertThat(worst / Math.max(scale, 1)).as("%s: worst error %s at %d (expected %s, got %s, scale %s)", what, worst, at,
                at < 0 ? 0 : expected[at], at < 0 ? 0 : actual[at], scale).isLessThan(TOLERANCE);
    }
}
