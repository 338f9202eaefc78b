package dev.elasticcache.batch;

/**
 * What a {@link StepBatcher} has done so far.
 *
 * @param rounds rounds run (each ran the ops of one key)
 * @param ops row-wise ops run
 * @param stackedOps ops that ran stacked with others (the rest ran alone: a lone member, or fewer than 4 rows)
 * @param largestStack the most ops one stacked matmul held
 * @param members threads decoding in the batch now
 */
public record BatchStatistics(long rounds, long ops, long stackedOps, long largestStack, int members) {

    /** Ops per round: 1 when nothing was batched. */
    public double meanOpsPerRound() {
        return rounds == 0 ? 0 : (double) ops / rounds;
    }
}
