package dev.elasticcache.model;

import dev.elasticcache.checkpoint.CheckpointReader;

/**
 * The oracle: a deliberately plain float64 Dream (Qwen2, bidirectional) forward written straight from
 * dream.md §1.3, sharing no code with {@link DreamModel}. Weights are [out, in] as stored; y = W x + b.
 */
final class NaiveDreamForward {
    private final DreamConfig c;
    private final CheckpointReader reader;

    NaiveDreamForward(CheckpointReader reader, DreamConfig config) {
        this.reader = reader;
        this.c = config;
    }

    /** Unshifted logits [N][vocab] for ids at positions 0..N-1: row t is the output at t. */
    double[][] logits(int[] ids) {
        int n = ids.length;
        int d = c.hiddenSize();
        double[] emb = w("model.embed_tokens.weight");
        double[][] x = new double[n][d];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < d; i++) {
                x[t][i] = emb[ids[t] * d + i];
            }
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            x = layer(l, x);
        }
        double[] norm = w("model.norm.weight");
        double[] head = c.tieWordEmbeddings() ? emb : w("lm_head.weight");
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = linear(rms(x[t], norm), head, null, c.vocabSize());
        }
        return out;
    }

    /** Shifted logits: row p = output at p-1, row 0 = output at 0. */
    double[][] shiftedLogits(int[] ids) {
        double[][] raw = logits(ids);
        double[][] out = new double[raw.length][];
        for (int p = 0; p < raw.length; p++) {
            out[p] = raw[Math.max(0, p - 1)];
        }
        return out;
    }

    private double[][] layer(int l, double[][] x) {
        String p = "model.layers." + l + ".";
        int n = x.length;
        int d = c.hiddenSize();
        int hd = c.headDim();
        int heads = c.numAttentionHeads();
        int kvHeads = c.numKeyValueHeads();
        int group = heads / kvHeads;
        double[] wq = w(p + "self_attn.q_proj.weight");
        double[] wk = w(p + "self_attn.k_proj.weight");
        double[] wv = w(p + "self_attn.v_proj.weight");
        double[] bq = c.attentionBias() ? w(p + "self_attn.q_proj.bias") : null;
        double[] bk = c.attentionBias() ? w(p + "self_attn.k_proj.bias") : null;
        double[] bv = c.attentionBias() ? w(p + "self_attn.v_proj.bias") : null;
        double[] wo = w(p + "self_attn.o_proj.weight");
        double[] inNorm = w(p + "input_layernorm.weight");
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] a = rms(x[t], inNorm);
            q[t] = rope(linear(a, wq, bq, heads * hd), t, heads);
            k[t] = rope(linear(a, wk, bk, kvHeads * hd), t, kvHeads);
            v[t] = linear(a, wv, bv, kvHeads * hd);
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] ctx = new double[heads * hd];
            for (int h = 0; h < heads; h++) {
                int kvh = h / group;
                double[] s = new double[n];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) { // bidirectional: every key, no mask
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
            double[] attn = linear(ctx, wo, null, d);
            double[] y = new double[d];
            for (int i = 0; i < d; i++) {
                y[i] = x[t][i] + attn[i];
            }
            out[t] = mlp(p, y);
        }
        return out;
    }

    private double[] mlp(String p, double[] y) {
        int m = c.intermediateSize();
        double[] a = rms(y, w(p + "post_attention_layernorm.weight"));
        double[] gate = linear(a, w(p + "mlp.gate_proj.weight"), null, m);
        double[] up = linear(a, w(p + "mlp.up_proj.weight"), null, m);
        double[] act = new double[m];
        for (int i = 0; i < m; i++) {
            act[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        double[] down = linear(act, w(p + "mlp.down_proj.weight"), null, c.hiddenSize());
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i] + down[i];
        }
        return out;
    }

    /** Split-half rotation: (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin), angle = pos / theta^(2j/hd). */
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

    /** y = W x + b with W stored [out, in]; b may be null. */
    private static double[] linear(double[] x, double[] w, double[] b, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b == null ? 0 : b[o];
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
