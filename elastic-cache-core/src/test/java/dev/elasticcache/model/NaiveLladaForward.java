package dev.elasticcache.model;

import dev.elasticcache.checkpoint.CheckpointReader;

/**
 * The oracle: a deliberately plain float64 implementation of the LLaDA forward written straight from the
 * architecture description, sharing no code with {@link LladaModel}. Weights are [out, in] as stored.
 */
final class NaiveLladaForward {
    private final LladaConfig c;
    private final CheckpointReader reader;

    NaiveLladaForward(CheckpointReader reader, LladaConfig config) {
        this.reader = reader;
        this.c = config;
    }

    /** Logits [N][embeddingSize] for token ids at positions 0..N-1. */
    double[][] logits(int[] ids) {
        int n = ids.length;
        int d = c.dModel();
        double[] wte = w(LladaTensorLayout.WTE);
        double[][] x = new double[n][d];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < d; i++) {
                x[t][i] = wte[ids[t] * d + i];
            }
        }
        for (int l = 0; l < c.nLayers(); l++) {
            x = block(l, x);
        }
        double[] lnf = w(LladaTensorLayout.LN_F);
        double[] head = w(c.weightTying() ? LladaTensorLayout.WTE : LladaTensorLayout.LM_HEAD);
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = linear(rms(x[t], lnf), head, c.embeddingSize());
        }
        return out;
    }

    private double[][] block(int l, double[][] x) {
        int n = x.length;
        int d = c.dModel();
        int hd = c.headDim();
        int heads = c.nHeads();
        int group = heads / c.nKvHeads();
        double[] wq = w(LladaTensorLayout.blockWeight(l, "q_proj"));
        double[] wk = w(LladaTensorLayout.blockWeight(l, "k_proj"));
        double[] wv = w(LladaTensorLayout.blockWeight(l, "v_proj"));
        double[] wo = w(LladaTensorLayout.blockWeight(l, "attn_out"));
        double[] an = w(LladaTensorLayout.blockWeight(l, "attn_norm"));
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] a = rms(x[t], an);
            q[t] = rope(linear(a, wq, heads * hd), t, heads);
            k[t] = rope(linear(a, wk, c.nKvHeads() * hd), t, c.nKvHeads());
            v[t] = linear(a, wv, c.nKvHeads() * hd);
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] ctx = new double[heads * hd];
            for (int h = 0; h < heads; h++) {
                int kvh = h / group;
                double[] s = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) {
                        dot += q[t][h * hd + i] * k[j][kvh * hd + i];
                    }
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < hd; i++) {
                        ctx[h * hd + i] += s[j] / sum * v[j][kvh * hd + i];
                    }
                }
            }
            double[] attn = linear(ctx, wo, d);
            double[] y = new double[d];
            for (int i = 0; i < d; i++) {
                y[i] = x[t][i] + attn[i];
            }
            out[t] = mlp(l, y);
        }
        return out;
    }

    private double[] mlp(int l, double[] y) {
        int mlp = c.mlpHiddenSize();
        double[] m = rms(y, w(LladaTensorLayout.blockWeight(l, "ff_norm")));
        double[] gate = linear(m, w(LladaTensorLayout.blockWeight(l, "ff_proj")), mlp);
        double[] up = linear(m, w(LladaTensorLayout.blockWeight(l, "up_proj")), mlp);
        double[] act = new double[mlp];
        for (int i = 0; i < mlp; i++) {
            act[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        double[] down = linear(act, w(LladaTensorLayout.blockWeight(l, "ff_out")), c.dModel());
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i] + down[i];
        }
        return out;
    }

    private double[] rope(double[] x, int position, int heads) {
        int hd = c.headDim();
        int half = hd / 2;
        double[] out = new double[x.length];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < half; j++) {
                double angle = position / Math.pow(c.ropeTheta(), 2.0 * j / hd);
                double x1 = x[h * hd + j];
                double x2 = x[h * hd + j + half];
                out[h * hd + j] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
                out[h * hd + j + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
            }
        }
        return out;
    }

    private double[] rms(double[] x, double[] weight) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * weight[i];
        }
        return out;
    }

    /** y = W x with W stored [out, in]. */
    private static double[] linear(double[] x, double[] w, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int i = 0; i < in; i++) {
                s += w[o * in + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    private double[] w(String name) {
        float[] f = reader.readFloats(name);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
