package dev.elasticcache.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.IntraOpThreads;

/**
 * Dream's own baseline sampler (dream.md §2, {@code _sample} of the official code), the {@code llada} strategy's
 * form for a family with shifted logits: one canvas (no blocks), the timestep schedule
 * {@code ts = linspace(1, eps, steps + 1)} with {@code eps = 1e-3}, and at step i
 * {@code k = int(masks * (1 - ts[i+1] / ts[i]))} (fp32, truncated; every remaining mask at the last step) of the
 * masked positions, ranked by the confidence of {@link Remasking}: {@code low-confidence} is maskgit_plus (the
 * chosen token's probability), {@code topk-margin} top1 - top2, {@code entropy} sum p log(p + 1e-10). A full
 * cache-free forward every step, position p read from logits row p-1.
 *
 * <p>Confidences are computed in float64 from the fp32 logits (the official code's softmax runs in the logits'
 * dtype): near-ties may rank differently. The schedule's fp32 emulation of the CPU linspace follows dream.md §7;
 * it was not compared against torch on this host. With a temperature the token is a Gumbel-max draw
 * ({@link Predictions}), not torch.multinomial.
 */
final class DreamBaseline {
    /** The official default {@code eps} of the timestep schedule. */
    static final float EPS = 1e-3f;

    private DreamBaseline() {}

    static DecodeResult decode(DecodeRun run, ForwardBlocks ops, IntraOpThreads.Layers threads) {
        DecodingOptions o = run.options();
        if (o.remasking() == Remasking.RANDOM) {
            throw new IllegalArgumentException("random remasking is LLaDA's; Dream's baseline ranks by low-confidence,"
                    + " topk-margin or entropy");
        }
        int steps = o.resolvedSteps();
        float[] ts = linspace(1f, EPS, steps + 1);
        int layers = run.model().layers();
        for (int i = 0; i < steps; i++) {
            run.checkCancelled();
            int[] masks = run.maskedIn(run.promptLength(), run.length());
            if (masks.length == 0) {
                break;
            }
            float[] logits;
            try (NDManager scope = run.model().manager().newSubManager()) {
                threads.layer(run.length(), run.length());
                NDArray hidden = Forward.fullHidden(run.model(), ops, scope, run.tokens(), Forward.LayerSink.NONE);
                threads.head(masks.length);
                logits = Forward.logitsAt(ops, hidden, run.logitRows(masks));
            }
            run.countForward((long) run.length() * layers, layers);
            int k = i < steps - 1 ? transfers(masks.length, ts[i], ts[i + 1]) : masks.length;
            Predictions pred = run.predict(logits, masks);
            double[] score = o.remasking() == Remasking.LOW_CONFIDENCE ? pred.confidence()
                    : scores(logits, masks.length, o.temperature(), o.remasking());
            int[] chosen = k > 0 ? Ranking.ascending(Ranking.topK(score, k)) : new int[0];
            LladaDecoder.commitChosen(run, masks, Forward.span(0, run.length()), 0, pred, chosen);
        }
        return run.finish();
    }

    /** {@code int(masks * (1 - s / t))} in fp32, truncated toward zero. */
    static int transfers(int masks, float t, float s) {
        float fraction = 1f - s / t;
        return (int) (masks * fraction);
    }

    /** topk-margin (top1 - top2) or entropy (sum p log(p + 1e-10)) of each row's softmax(logits / T). */
    static double[] scores(float[] logits, int rows, double temperature, Remasking alg) {
        int vocab = logits.length / rows;
        double scale = temperature > 0 ? 1 / temperature : 1;
        double[] out = new double[rows];
        double[] p = new double[vocab];
        for (int r = 0; r < rows; r++) {
            int base = r * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, logits[base + v] * scale);
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                p[v] = Math.exp(logits[base + v] * scale - max);
                sum += p[v];
            }
            double first = 0;
            double second = 0;
            double negEntropy = 0;
            for (int v = 0; v < vocab; v++) {
                double q = p[v] / sum;
                if (q > first) {
                    second = first;
                    first = q;
                } else if (q > second) {
                    second = q;
                }
                negEntropy += q * Math.log(q + 1e-10);
            }
            out[r] = alg == Remasking.TOPK_MARGIN ? first - second : negEntropy;
        }
        return out;
    }

    /**
     * {@code torch.linspace(a, b, n)} in fp32 as PyTorch's vectorised CPU kernel computes it (dream.md §7):
     * {@code step = (b - a) / (n - 1)} in fp32; elements go in turns of two 8-lane chunks, each chunk from a base
     * at its first index i, {@code fma(step, i, a)} before the middle ({@code i < n / 2}) and
     * {@code fma(-step, n - 1 - i, b)} after it, lane j adding {@code j * step}; the tail after the last full turn
     * uses the base formula per element.
     */
    static float[] linspace(float a, float b, int n) {
        float[] out = new float[n];
        if (n == 1) {
            out[0] = a;
            return out;
        }
        float step = (b - a) / (float) (n - 1);
        int half = n / 2;
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            for (int chunk = i; chunk < i + 16; chunk += 8) {
                float base = base(a, b, n, step, half, chunk);
                for (int j = 0; j < 8; j++) {
                    out[chunk + j] = base + j * step;
                }
            }
        }
        for (; i < n; i++) {
            out[i] = base(a, b, n, step, half, i);
        }
        return out;
    }

    private static float base(float a, float b, int n, float step, int half, int i) {
        return i < half ? Math.fma(step, (float) i, a) : Math.fma(-step, (float) (n - 1 - i), b);
    }
}
