package dev.elasticcache.lab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.model.LladaConfig;
import java.util.Arrays;

/**
 * FLOPs of the transformer work a decoding run did, and the machine's measured fp32 matmul peak, so reports
 * can show how far each strategy is from the hardware limit. Counts the projections, the MLP and attention
 * over all N keys per computed layer row; the output head and the drift test are left out (small here).
 */
final class CostModel {
    private final LladaConfig config;

    CostModel(LladaConfig config) {
        this.config = config;
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
