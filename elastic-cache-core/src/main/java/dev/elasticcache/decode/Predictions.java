package dev.elasticcache.decode;

import java.util.Random;

/**
 * Per-row token choice and confidence from logits, in float64 as the reference decoders compute them.
 * Greedy choice takes the lowest token id on ties; with a temperature the token is Gumbel-max sampled and
 * the confidence is still the softmax probability of the chosen token under the unperturbed logits.
 *
 * @param tokens chosen token per row
 * @param confidence softmax probability of the chosen token per row
 */
public record Predictions(int[] tokens, double[] confidence) {

    /**
     * @param logits row-major [rows, vocab]
     * @param rows number of rows
     * @param temperature 0 for greedy, else the Gumbel temperature
     * @param random source of the Gumbel noise (unused when greedy)
     */
    public static Predictions of(float[] logits, int rows, double temperature, Random random) {
        return of(logits, rows, temperature, random, null);
    }

    /**
     * The same with per-row token constraints: a row with a non-null {@code admitted[r]} chooses only among the
     * tokens marked true there, and its confidence is the softmax over those tokens (a slot's logits with the
     * rest of the vocabulary at minus infinity). A row that admits every token gives exactly the unconstrained
     * result. A constraint shorter than a logits row admits none of the rows past it (a head wider than the
     * tokenizer: those ids are padding).
     */
    public static Predictions of(float[] logits, int rows, double temperature, Random random, boolean[][] admitted) {
        return of(logits, rows, temperature, random, admitted, -1);
    }

    /**
     * The same, never choosing {@code neverChosen} (the mask token: a decoder that wrote it back would leave the
     * position masked and a block loop would never end). Its logit still counts in the softmax and its Gumbel
     * draw is still taken, so whenever it is not the best token the result is exactly the plain one.
     */
    public static Predictions of(float[] logits, int rows, double temperature, Random random, boolean[][] admitted,
            int neverChosen) {
        int vocab = logits.length / rows;
        int[] tokens = new int[rows];
        double[] confidence = new double[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * vocab;
            boolean[] allowed = admitted == null ? null : admitted[r];
            double max = Double.NEGATIVE_INFINITY;
            int best = allowed == null ? (neverChosen == 0 ? 1 : 0) : firstAllowed(allowed);
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                if (allowed != null && (v >= allowed.length || !allowed[v])) {
                    continue;
                }
                double l = logits[base + v];
                if (l > max) {
                    max = l;
                }
                // Gumbel-max in log space: argmax(l - T log(-log u)) equals the reference's
                // argmax(exp(l) / (-log u)^T) without overflowing exp.
                double score = temperature == 0 ? l : l - temperature * Math.log(-Math.log(uniform(random)));
                if (score > bestScore && v != neverChosen) {
                    bestScore = score;
                    best = v;
                }
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                if (allowed == null || v < allowed.length && allowed[v]) {
                    sum += Math.exp(logits[base + v] - max);
                }
            }
            tokens[r] = best;
            confidence[r] = Math.exp(logits[base + best] - max) / sum;
        }
        return new Predictions(tokens, confidence);
    }

    private static int firstAllowed(boolean[] allowed) {
        for (int v = 0; v < allowed.length; v++) {
            if (allowed[v]) {
                return v;
            }
        }
        throw new IllegalArgumentException("a slot admits no token");
    }

    private static double uniform(Random random) {
        double u;
        do {
            u = random.nextDouble();
        } while (u == 0.0);
        return u;
    }
}
