package dev.elasticcache.decode;

/**
 * Cost and progress figures of one decoding run.
 *
 * @param strategy the strategy that ran
 * @param nfe number of forward passes (network function evaluations)
 * @param layerRows rows computed summed over layers and forwards (the work the transformer did)
 * @param recomputeFraction fraction of layers fully recomputed (all rows), over all steps; 1 for cache-free
 * @param tokensDecoded positions unmasked by the decoder
 * @param answerTokens answer tokens up to (excluding) the first EOS / EoT, the numerator of tokens/s
 * @param wallNanos wall time of the decoding loop
 */
public record DecodingStats(
        Strategy strategy, int nfe, long layerRows, double recomputeFraction, int tokensDecoded, int answerTokens,
        long wallNanos) {

    /** The figures of this run followed by {@code next} (several passes of one answer): sums, NFE-weighted fraction. */
    public DecodingStats plus(DecodingStats next) {
        int total = nfe + next.nfe;
        double fraction = total == 0 ? 0 : (recomputeFraction * nfe + next.recomputeFraction * next.nfe) / total;
        return new DecodingStats(strategy, total, layerRows + next.layerRows, fraction, tokensDecoded + next.tokensDecoded,
                answerTokens + next.answerTokens, wallNanos + next.wallNanos);
    }

    /** These figures with {@code forwards} more cache-free passes of {@code rows} rows over {@code layers} layers. */
    public DecodingStats withFullForwards(int forwards, int rows, int layers, long nanos) {
        return plus(new DecodingStats(strategy, forwards, (long) forwards * rows * layers, 1.0, 0, 0, nanos));
    }

    /** Denoising steps; every step is exactly one forward pass. */
    public int steps() {
        return nfe;
    }

    public double tokensPerStep() {
        return nfe == 0 ? 0 : (double) tokensDecoded / nfe;
    }

    public double tokensPerSecond() {
        return wallNanos == 0 ? 0 : answerTokens / (wallNanos / 1e9);
    }

    public double wallSeconds() {
        return wallNanos / 1e9;
    }
}
