package dev.elasticcache.vision;

import dev.elasticcache.checkpoint.CheckpointReader;

/**
 * A float64 oracle of LLaDA-V's vision path written as plainly as possible from the PyTorch modules:
 * Conv2d(stride = kernel = patch, padding "valid") as explicit sums, position embedding, pre-LN encoder
 * layers (nn.LayerNorm, q/k/v/out Linear with bias, (q k^T) * scale, softmax, fc1, GELU-tanh, fc2), the
 * penultimate hidden state, then nn.Sequential(Linear, GELU (erf), Linear). Weights come from the
 * checkpoint as the loader widens them (so BF16 checkpoints compare exactly).
 */
final class NaiveVision {

    private final VisionConfig c;
    private final CheckpointReader reader;

    NaiveVision(CheckpointReader reader, VisionConfig config) {
        this.reader = reader;
        this.c = config;
    }

    private double[] t(String name) {
        float[] f = reader.readFloats(name);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Tower features of {@code n} tiles of normalised pixels {@code [n, 3, S, S]}: {@code [n][patches][hidden]}. */
    double[][][] tower(float[] pixels, int n) {
        SiglipConfig tc = c.tower();
        int s = tc.imageSize();
        int p = tc.patchSize();
        int g = tc.patchesPerSide();
        int h = tc.hiddenSize();
        int ch = tc.numChannels();
        double[] conv = t(VisionTensors.PATCH_WEIGHT);
        double[] convB = t(VisionTensors.PATCH_BIAS);
        double[] pos = t(VisionTensors.POSITION);
        double[][][] out = new double[n][][];
        for (int img = 0; img < n; img++) {
            double[][] x = new double[g * g][h];
            for (int gy = 0; gy < g; gy++) {
                for (int gx = 0; gx < g; gx++) {
                    int patch = gy * g + gx;
                    for (int o = 0; o < h; o++) {
                        double acc = convB[o];
                        for (int cc = 0; cc < ch; cc++) {
                            for (int ky = 0; ky < p; ky++) {
                                for (int kx = 0; kx < p; kx++) {
                                    double w = conv[((o * ch + cc) * p + ky) * p + kx];
                                    double v = pixels[((img * ch + cc) * s + gy * p + ky) * s + gx * p + kx];
                                    acc += w * v;
                                }
                            }
                        }
                        x[patch][o] = acc + pos[patch * h + o];
                    }
                }
            }
            for (int l = 0; l < c.layersUsed(); l++) {
                x = layer(x, l);
            }
            out[img] = x;
        }
        return out;
    }

    private double[][] layer(double[][] x, int l) {
        SiglipConfig tc = c.tower();
        String pre = VisionTensors.layer(l);
        int h = tc.hiddenSize();
        int heads = tc.numHeads();
        int hd = tc.headDim();
        int tokens = x.length;
        double[][] a = layerNorm(x, t(pre + "layer_norm1.weight"), t(pre + "layer_norm1.bias"));
        double[][] q = linear(a, t(pre + "self_attn.q_proj.weight"), t(pre + "self_attn.q_proj.bias"), h);
        double[][] k = linear(a, t(pre + "self_attn.k_proj.weight"), t(pre + "self_attn.k_proj.bias"), h);
        double[][] v = linear(a, t(pre + "self_attn.v_proj.weight"), t(pre + "self_attn.v_proj.bias"), h);
        double scale = Math.pow(hd, -0.5);
        double[][] ctx = new double[tokens][h];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < tokens; i++) {
                double[] sc = new double[tokens];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tokens; j++) {
                    double dot = 0;
                    for (int d = 0; d < hd; d++) {
                        dot += q[i][head * hd + d] * k[j][head * hd + d];
                    }
                    sc[j] = dot * scale;
                    max = Math.max(max, sc[j]);
                }
                double sum = 0;
                for (int j = 0; j < tokens; j++) {
                    sc[j] = Math.exp(sc[j] - max);
                    sum += sc[j];
                }
                for (int j = 0; j < tokens; j++) {
                    for (int d = 0; d < hd; d++) {
                        ctx[i][head * hd + d] += sc[j] / sum * v[j][head * hd + d];
                    }
                }
            }
        }
        double[][] attn = linear(ctx, t(pre + "self_attn.out_proj.weight"), t(pre + "self_attn.out_proj.bias"), h);
        double[][] y = new double[tokens][h];
        for (int i = 0; i < tokens; i++) {
            for (int d = 0; d < h; d++) {
                y[i][d] = x[i][d] + attn[i][d];
            }
        }
        double[][] m = layerNorm(y, t(pre + "layer_norm2.weight"), t(pre + "layer_norm2.bias"));
        double[][] f1 = linear(m, t(pre + "mlp.fc1.weight"), t(pre + "mlp.fc1.bias"), tc.intermediateSize());
        for (double[] row : f1) {
            for (int d = 0; d < row.length; d++) {
                row[d] = geluTanh(row[d]);
            }
        }
        double[][] f2 = linear(f1, t(pre + "mlp.fc2.weight"), t(pre + "mlp.fc2.bias"), h);
        for (int i = 0; i < tokens; i++) {
            for (int d = 0; d < h; d++) {
                y[i][d] += f2[i][d];
            }
        }
        return y;
    }

    /** The projector on {@code [tokens][mmHidden]} features. */
    double[][] project(double[][] features) {
        double[][] y = linear(features, t(VisionTensors.projector(0, "weight")), t(VisionTensors.projector(0, "bias")),
                c.textHiddenSize());
        for (int i = 1; i < c.projectorDepth(); i++) {
            for (double[] row : y) {
                for (int d = 0; d < row.length; d++) {
                    row[d] = geluErf(row[d]);
                }
            }
            y = linear(y, t(VisionTensors.projector(i, "weight")), t(VisionTensors.projector(i, "bias")), c.textHiddenSize());
        }
        return y;
    }

    /** y = x W^T + b with W stored [out, in]. */
    static double[][] linear(double[][] x, double[] w, double[] b, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int k = 0; k < in; k++) {
                    acc += x[i][k] * w[o * in + k];
                }
                y[i][o] = acc;
            }
        }
        return y;
    }

    double[][] layerNorm(double[][] x, double[] w, double[] b) {
        double eps = c.tower().layerNormEps();
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v;
            }
            mean /= x[i].length;
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[i].length;
            double inv = 1 / Math.sqrt(var + eps);
            y[i] = new double[x[i].length];
            for (int d = 0; d < x[i].length; d++) {
                y[i][d] = (x[i][d] - mean) * inv * w[d] + b[d];
            }
        }
        return y;
    }

    static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double geluErf(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf to about 1e-15: Maclaurin series below 2.5, the erfc continued fraction above. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-18) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = ax;
            for (int k = 80; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
        }
        return x < 0 ? -r : r;
    }
}
