package dev.elasticcache.structured;

import java.util.List;

/**
 * An undecided choice in a canvas (an enum value, a boolean, null or a value, an array item or none): a run of
 * masked positions and the token sequences that may fill it, each already aligned and padded to the width.
 * A {@code -1} in a candidate marks a position whose token is not known yet (a slot inside it); such positions
 * do not count when the candidate is scored.
 *
 * @param key identifies the choice in a {@link Resolution}
 * @param start first position, relative to the canvas start
 * @param candidates candidate token sequences of equal length (the width)
 */
public record ChoiceRegion(String key, int start, List<int[]> candidates) {

    public int width() {
        return candidates.get(0).length;
    }

    /**
     * Index of the candidate with the highest mean log-probability over its known positions; the lowest index
     * wins ties, so the order of the candidates matters only on exact ties.
     *
     * @param logProbs log-softmax rows of the region's positions, row-major [width, vocab]
     */
    public int best(double[][] logProbs) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < candidates.size(); c++) {
            int[] tokens = candidates.get(c);
            double sum = 0;
            int known = 0;
            for (int j = 0; j < tokens.length; j++) {
                if (tokens[j] >= 0) {
                    sum += logProbs[j][tokens[j]];
                    known++;
                }
            }
            double score = known == 0 ? Double.NEGATIVE_INFINITY : sum / known;
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }
}
