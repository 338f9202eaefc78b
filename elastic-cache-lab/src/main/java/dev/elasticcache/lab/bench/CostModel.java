package dev.elasticcache.lab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.model.LladaConfig;
import java.util.Arrays;

/**
 * FLOPs of the transformer work a decoding run did, and the machine's measured fp32 matmul peak, so reports
 * can show how far each strategy is from the hardware limit. Counts the projections, the MLP and attention
 * over all N keys per computed layer row; {@link #stepFlops} adds the output head and the drift test (the
 * matmuls of one step as it really ran).
 */
final class CostModel {
    /** The shape facts the counts need, from a LLaDA config or any loaded model. */
    record Dims(int nLayers, int dModel, int headDim, int nHeads, int nKvHeads, int mlpHiddenSize, int embeddingSize) {}

    private final Dims config;

    CostModel(LladaConfig c) {
        this(new Dims(c.nLayers(), c.dModel(), c.headDim(), c.nHeads(), c.nKvHeads(), c.mlpHiddenSize(), c.embeddingSize()));
    }

    CostModel(dev.elasticcache.model.DiffusionModel m) {
        this(new Dims(m.layers(), m.hiddenSize(), m.headDim(), m.heads(), m.kvHeads(), m.mlpHiddenSize(), m.logitsWidth()));
    }

    CostModel(Dims shape) {
        this.config = shape;
    }

    /** FLOPs of one computed row in one layer, attending over {@code keys} positions. */
    double flopsPerLayerRow(int keys) {
        long d = config.dModel();
        long hd = config.headDim();
        long qkv = (long) (config.nHeads() + 2 * config.nKvHeads()) * hd;
        long mlp = config.mlpHiddenSize();
        double projections = 2.0 * d * qkv + 2.0 * config.nHeads() * hd * d + 2.0 * d * 2 * mlp + 2.0 * mlp * d;
        double attention = 4.0 * config.nHeads() * hd * keys;
        return projections + attention;
    }

    /** Transformer FLOPs of a run that computed {@code layerRows} layer rows over sequences of length {@code keys}. */
    double flops(long layerRows, int keys) {
        return layerRows * flopsPerLayerRow(keys);
    }

    /**
     * Matmul FLOPs of one recorded decoding step over a sequence of {@code n} positions, as the decoders run it:
     * layers below the step's {@code startReset} compute its query rows, the others all n rows (every strategy
     * records a full forward as start_reset 0 over all rows, a cached step as start_reset = layers over its
     * query rows); every computed row attends over all n keys; Elastic-Cache's drift test multiplies the
     * previous step's tracked queries by the cached keys in each tested layer (the layers below start_reset);
     * the head projects the window (candidate) rows onto the vocabulary.
     *
     * @param previousTrack tracked tokens the step started with (the previous step's track; 0 for step 0)
     */
    double stepFlops(StepRecord step, int previousTrack, int n) {
        int layers = config.nLayers();
        int reset = Math.max(0, Math.min(step.startReset(), layers));
        double perRow = flopsPerLayerRow(n);
        double layersFlops = reset * (double) step.queryRows().length * perRow + (layers - reset) * (double) n * perRow;
        double drift = step.step() == 0 ? 0 : reset * 2.0 * config.nHeads() * config.headDim() * previousTrack * n;
        double head = 2.0 * step.window().length * config.dModel() * config.embeddingSize();
        return layersFlops + drift + head;
    }

    /** Median GFLOP/s of a 1024^3 fp32 matmul on this machine through DJL (after warm-up). */
    static double measureMatmulPeakGflops(NDManager parent) {
        int n = 1024;
        double[] rates = new double[7];
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            for (int i = 0; i < rates.length; i++) {
                long t0 = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0); // forces completion
                long t = System.nanoTime() - t0;
                c.close();
                rates[i] = 2.0 * n * n * n / t;
            }
        }
        Arrays.sort(rates);
        return rates[rates.length / 2];
    }
}
