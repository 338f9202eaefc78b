package dev.elasticcache.lab.train;

/**
 * Optimisation and data settings of a training run.
 *
 * @param seed seeds the initial weights, the task stream, the masking and the padding-length choice
 * @param batch sequences per optimizer step
 * @param totalSteps length of the learning-rate schedule (and of the run unless stopped early)
 * @param peakLr learning rate after warmup
 * @param warmupSteps linear warmup steps
 * @param minLrRatio the cosine decay ends at {@code peakLr * minLrRatio}
 * @param weightDecay AdamW decoupled weight decay (not applied to norm weights)
 * @param beta1 AdamW beta1
 * @param beta2 AdamW beta2
 * @param clipNorm global gradient-norm clipping threshold
 * @param genLength response length of most batches (answer, end-of-turn, EOS padding)
 * @param longGenLength response length of the long-padding batches
 * @param longFraction fraction of batches padded to {@code longGenLength}
 * @param shortFraction fraction of batches padded only a little past their longest answer (8 to 24 EOS):
 *     cheaper steps that spend the compute on answer tokens rather than on EOS padding
 * @param initStd standard deviation of the initial weight matrices
 * @param canvasFraction share of the structured tasks (json, tool calls) masked as an infilling canvas starts
 *     (fixed text given, only slots masked); the others are masked over the whole answer like text, which the
 *     tool choice "auto" needs (it reads the first answer token of an all-mask answer)
 */
public record TrainOptions(
        long seed,
        int batch,
        long totalSteps,
        double peakLr,
        int warmupSteps,
        double minLrRatio,
        double weightDecay,
        double beta1,
        double beta2,
        double clipNorm,
        int genLength,
        int longGenLength,
        double longFraction,
        double initStd,
        double shortFraction,
        double canvasFraction) {

    public TrainOptions {
        if (batch < 1 || totalSteps < 1 || peakLr <= 0 || warmupSteps < 0 || genLength < 2 || longGenLength < genLength
                || longFraction < 0 || longFraction > 1 || clipNorm <= 0 || initStd <= 0 || shortFraction < 0
                || shortFraction + longFraction > 1 || canvasFraction < 0 || canvasFraction > 1) {
            throw new IllegalArgumentException("invalid training options: " + this);
        }
    }

    /** The settings of the shipped model's run, with {@code totalSteps} and {@code seed} to fill in. */
    public static TrainOptions defaults(long seed, long totalSteps) {
        return new TrainOptions(seed, 16, totalSteps, 2e-3, 150, 0.1, 0.05, 0.9, 0.98, 1.0, 128, 256, 0.15, 0.02, 0.0, 0.5);
    }

    public TrainOptions withTotalSteps(long steps) {
        return new TrainOptions(seed, batch, steps, peakLr, warmupSteps, minLrRatio, weightDecay, beta1, beta2, clipNorm,
                genLength, longGenLength, longFraction, initStd, shortFraction, canvasFraction);
    }

    public double learningRate(long step) {
        return AdamW.schedule(step, warmupSteps, totalSteps, peakLr, minLrRatio);
    }
}
