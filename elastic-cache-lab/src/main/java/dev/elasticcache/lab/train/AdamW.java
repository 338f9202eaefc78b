package dev.elasticcache.lab.train;

/**
 * AdamW (decoupled weight decay) on Java float arrays, one state per parameter tensor. The trainer reads
 * each gradient once per step, asks for the update here, and subtracts it from the parameter NDArray in
 * place, so the optimizer state never lives in native memory and the update is exactly reproducible.
 */
public final class AdamW {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final float[][] m;
    private final float[][] v;
    private final boolean[] decay;
    private long step;

    /**
     * @param sizes element count of each parameter tensor
     * @param decay whether weight decay applies to each tensor (not to norm weights)
     */
    public AdamW(int[] sizes, boolean[] decay, double beta1, double beta2, double eps) {
        if (sizes.length != decay.length) {
            throw new IllegalArgumentException("sizes and decay flags differ in length");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decay = decay.clone();
        this.m = new float[sizes.length][];
        this.v = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            m[i] = new float[sizes[i]];
            v[i] = new float[sizes[i]];
        }
    }

    /** Starts a step (advances the bias-correction counter); call once before the step's {@link #update}s. */
    public void beginStep() {
        step++;
    }

    public long stepCount() {
        return step;
    }

    /**
     * The amount to subtract from parameter {@code index}: {@code lr * (m̂ / (sqrt(v̂) + eps) + wd * param)}.
     *
     * @param grad the (already clipped) gradient
     * @param param the current parameter values, for the decoupled decay
     * @return a new array of the same length
     */
    public float[] update(int index, float[] grad, float[] param, double lr, double weightDecay) {
        float[] mi = m[index];
        float[] vi = v[index];
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        double wd = decay[index] ? weightDecay : 0;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float[] out = new float[grad.length];
        for (int j = 0; j < grad.length; j++) {
            float g = grad[j];
            mi[j] = b1 * mi[j] + (1 - b1) * g;
            vi[j] = b2 * vi[j] + (1 - b2) * g * g;
            double mHat = mi[j] / c1;
            double vHat = vi[j] / c2;
            out[j] = (float) (lr * (mHat / (Math.sqrt(vHat) + eps) + wd * param[j]));
        }
        return out;
    }

    /** Warmup then cosine decay from {@code peak} to {@code peak * minRatio} at {@code total} steps. */
    public static double schedule(long step, long warmup, long total, double peak, double minRatio) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = total <= warmup ? 1 : Math.min(1, (double) (step - warmup) / (total - warmup));
        return peak * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
