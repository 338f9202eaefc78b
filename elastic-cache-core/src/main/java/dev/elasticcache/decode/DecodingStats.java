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
