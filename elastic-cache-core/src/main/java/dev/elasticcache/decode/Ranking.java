package dev.elasticcache.decode;

import java.util.Arrays;

/** Deterministic top-k selection: highest score first, lowest index on ties. */
final class Ranking {
    private Ranking() {}

    /** Indices (into {@code scores}) of the {@code k} best scores, in rank order. O(k n): k is small here. */
    static int[] topK(double[] scores, int k) {
        int n = scores.length;
        int count = Math.min(k, n);
        int[] picked = new int[count];
        boolean[] taken = new boolean[n];
        for (int r = 0; r < count; r++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || scores[i] > scores[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            picked[r] = best;
        }
        return picked;
    }

    /** Same as {@link #topK(double[], int)} for float scores. */
    static int[] topK(float[] scores, int k) {
        double[] d = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            d[i] = scores[i];
        }
        return topK(d, k);
    }

    /** The selected indices sorted ascending. */
    static int[] ascending(int[] indices) {
        int[] copy = indices.clone();
        Arrays.sort(copy);
        return copy;
    }
}
