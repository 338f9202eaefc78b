package dev.elasticcache.lab.train;

import java.util.Arrays;
import java.util.Random;

/**
 * The LLaDA supervised fine-tuning objective (forward masking of the response only).
 *
 * <p>For a clean sequence {@code x = prompt ++ response} (the response is the answer, the end-of-turn token
 * and EOS padding up to the generation length):
 * <ol>
 *   <li>draw {@code t ~ U(0, 1)} per sequence and set the masking probability {@code p = (1 - eps) t + eps};
 *   <li>replace every response token independently with probability {@code p} by the mask id; prompt
 *       tokens are never masked;
 *   <li>the sequence's loss is {@code sum over masked i of CE(logits_i, x_i) / p}, divided by the response
 *       length {@code L} (all response positions, EOS padding included);
 *   <li>the batch loss is the mean of the sequences' losses.
 * </ol>
 * This is the normalisation of LLaDA's SFT recipe (each masked token's cross-entropy divided by {@code p}
 * and by its sequence's answer length, summed, then divided by the batch size); its expectation over the
 * masking is the mean per-token cross-entropy of the response, an upper bound on the response's negative
 * log-likelihood per token. The per-position factor {@code 1 / (p L)} is carried in
 * {@link MaskedSequence#weights()}.
 */
public final class MaskingObjective {
    /** LLaDA's default lower bound of the masking probability. */
    public static final double DEFAULT_EPS = 1e-3;

    private final int maskId;
    private final double eps;

    public MaskingObjective(int maskId) {
        this(maskId, DEFAULT_EPS);
    }

    public MaskingObjective(int maskId, double eps) {
        if (!(eps > 0 && eps < 1)) {
            throw new IllegalArgumentException("eps must be in (0, 1), got " + eps);
        }
        this.maskId = maskId;
        this.eps = eps;
    }

    /** The id that replaces masked positions. */
    public int maskId() {
        return maskId;
    }

    /** Draws t and masks the response of {@code clean}. */
    public MaskedSequence mask(int[] clean, int promptLength, Random random) {
        return mask(clean, promptLength, random.nextDouble(), random);
    }

    /** Masks the response of {@code clean} for a given {@code t} in [0, 1]. */
    public MaskedSequence mask(int[] clean, int promptLength, double t, Random random) {
        if (promptLength < 0 || promptLength >= clean.length) {
            throw new IllegalArgumentException("prompt length " + promptLength + " must be in [0, " + clean.length + ")");
        }
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("t must be in [0, 1], got " + t);
        }
        double p = (1 - eps) * t + eps;
        int responseLength = clean.length - promptLength;
        float weight = (float) (1.0 / (p * responseLength));
        int[] input = clean.clone();
        float[] weights = new float[clean.length];
        for (int i = promptLength; i < clean.length; i++) {
            if (random.nextDouble() < p) {
                input[i] = maskId;
                weights[i] = weight;
            }
        }
        return new MaskedSequence(input, clean.clone(), weights, promptLength, p);
    }

    /**
     * Masks only the response positions marked {@code eligible} (indexed from the response start; positions past
     * it are never masked), each with probability {@code p} from a fresh {@code t}: the state an infilling canvas
     * starts from, where fixed text is given and only slots are masked. Weights are {@code 1 / (p L)} as in
     * {@link #mask}, L the number of eligible positions.
     */
    public MaskedSequence maskEligible(int[] clean, int promptLength, boolean[] eligible, Random random) {
        return maskEligible(clean, promptLength, eligible, 0, Integer.MAX_VALUE, random);
    }

    /**
     * {@link #maskEligible(int[], int, boolean[], Random)} with {@code p} drawn from {@code U(floor, 1)} (a floor
     * keeps the 1/p weights from making the gradient noisy) and every response position from {@code hiddenFrom}
     * on masked without loss: the state of a tool-call canvas while its name is chosen, the arguments all masks.
     */
    public MaskedSequence maskEligible(int[] clean, int promptLength, boolean[] eligible, double floor, int hiddenFrom,
            Random random) {
        if (!(floor >= 0 && floor < 1)) {
            throw new IllegalArgumentException("mask probability floor must be in [0, 1), got " + floor);
        }
        double u = random.nextDouble();
        double p = floor == 0 ? (1 - eps) * u + eps : floor + (1 - floor) * u;
        int count = 0;
        for (boolean e : eligible) {
            count += e ? 1 : 0;
        }
        float weight = (float) (1.0 / (p * Math.max(1, count)));
        int[] input = clean.clone();
        float[] weights = new float[clean.length];
        for (int i = 0; i < eligible.length && promptLength + i < clean.length; i++) {
            if (eligible[i] && random.nextDouble() < p) {
                input[promptLength + i] = maskId;
                weights[promptLength + i] = weight;
            }
        }
        for (int i = promptLength + Math.max(0, hiddenFrom); hiddenFrom != Integer.MAX_VALUE && i < clean.length; i++) {
            input[i] = maskId;
        }
        return new MaskedSequence(input, clean.clone(), weights, promptLength, p);
    }

    /**
     * The loss of given per-position cross-entropies under a masking (the reference formula, in Java; the
     * trainer computes the same on NDArrays).
     */
    public static double loss(MaskedSequence sequence, double[] crossEntropy) {
        double sum = 0;
        for (int i = 0; i < sequence.length(); i++) {
            sum += sequence.weights()[i] * crossEntropy[i];
        }
        return sum;
    }

    /**
     * A clean training sequence: prompt, answer, one end-of-turn id, then EOS up to
     * {@code prompt.length + genLength}.
     */
    public static int[] cleanSequence(int[] prompt, int[] answer, int eotId, int eosId, int genLength) {
        if (answer.length + 1 > genLength) {
            throw new IllegalArgumentException("answer of " + answer.length + " tokens does not fit generation length " + genLength);
        }
        int[] seq = new int[prompt.length + genLength];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(answer, 0, seq, prompt.length, answer.length);
        seq[prompt.length + answer.length] = eotId;
        Arrays.fill(seq, prompt.length + answer.length + 1, seq.length, eosId);
        return seq;
    }
}
