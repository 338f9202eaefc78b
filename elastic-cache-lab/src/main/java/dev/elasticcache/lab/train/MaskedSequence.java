package dev.elasticcache.lab.train;

/**
 * One training sequence after forward masking.
 *
 * @param input the ids the model sees: the clean sequence with masked response positions replaced by the
 *     mask id
 * @param targets the clean ids (what the model must predict)
 * @param weights per-position loss weights: {@code 1 / (p * L)} at masked positions (p the masking
 *     probability, L the response length), 0 elsewhere (the prompt and unmasked response tokens)
 * @param promptLength number of prompt positions (never masked)
 * @param maskProbability the masking probability p used for the response
 */
public record MaskedSequence(int[] input, int[] targets, float[] weights, int promptLength, double maskProbability) {

    public int length() {
        return input.length;
    }

    /** Number of masked positions. */
    public int maskedCount() {
        int n = 0;
        for (float w : weights) {
            if (w != 0) {
                n++;
            }
        }
        return n;
    }
}
