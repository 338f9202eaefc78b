package dev.elasticcache.lab.train;

import java.util.ArrayList;
import java.util.List;

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
 * @param leftPadding positions of batch padding before the prompt (hidden from attention, weight 0)
 * @param pointers for each position, the position its token is copied from (the pointer loss's target), or -1;
 *     null when the task copies nothing
 */
public record MaskedSequence(int[] input, int[] targets, float[] weights, int promptLength, double maskProbability,
        int leftPadding, int[] pointers) {

    public MaskedSequence(int[] input, int[] targets, float[] weights, int promptLength, double maskProbability) {
        this(input, targets, weights, promptLength, maskProbability, 0, null);
    }

    /** This sequence with pointer targets (see {@link PointerTargets}). */
    public MaskedSequence withPointers(int[] sources) {
        if (sources != null && sources.length != input.length) {
            throw new IllegalArgumentException("pointer targets of " + sources.length + " positions for a sequence of " + input.length);
        }
        return new MaskedSequence(input, targets, weights, promptLength, maskProbability, leftPadding, sources);
    }

    /** Masked positions with a pointer target: {position, source} pairs. */
    public List<int[]> supervisedPointers() {
        List<int[]> out = new ArrayList<>();
        if (pointers != null) {
            for (int i = 0; i < input.length; i++) {
                if (pointers[i] >= 0 && weights[i] != 0) {
                    out.add(new int[] {i, pointers[i]});
                }
            }
        }
        return out;
    }

    /**
     * The copied values: each run of positions whose pointer sources are consecutive, as {start, end} (end
     * exclusive); empty without pointers.
     */
    public List<int[]> copiedValues() {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; pointers != null && i < pointers.length; ) {
            if (pointers[i] < 0) {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < pointers.length && pointers[end] == pointers[end - 1] + 1) {
                end++;
            }
            out.add(new int[] {i, end});
            i = end;
        }
        return out;
    }

    /** This sequence behind {@code count} positions of {@code padId} that attention will ignore. */
    public MaskedSequence leftPadded(int count, int padId) {
        if (count == 0) {
            return this;
        }
        int n = input.length + count;
        int[] in = new int[n];
        int[] out = new int[n];
        float[] w = new float[n];
        java.util.Arrays.fill(in, 0, count, padId);
        java.util.Arrays.fill(out, 0, count, padId);
        System.arraycopy(input, 0, in, count, input.length);
        System.arraycopy(targets, 0, out, count, targets.length);
        System.arraycopy(weights, 0, w, count, weights.length);
        int[] shifted = null;
        if (pointers != null) {
            shifted = new int[n];
            java.util.Arrays.fill(shifted, -1);
            for (int i = 0; i < pointers.length; i++) {
                shifted[i + count] = pointers[i] < 0 ? -1 : pointers[i] + count;
            }
        }
        return new MaskedSequence(in, out, w, promptLength + count, maskProbability, leftPadding + count, shifted);
    }

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
