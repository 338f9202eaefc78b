package dev.elasticcache.batch;

/**
 * Which row-wise op of a forward pass: ops of equal keys are stacked. Keys order the ops as a step runs them
 * (layer 0's projection, its block, layer 1's projection, ..., the head), so a round that runs the lowest key
 * lets the sequences behind catch up with the others.
 *
 * @param layer the transformer layer ({@link Integer#MAX_VALUE} for the head)
 * @param phase {@link #PROJECT}, {@link #COMPLETE} or {@link #HEAD}
 */
public record OpKey(int layer, int phase) implements Comparable<OpKey> {
    /** Norm and q/k/v projection. */
    public static final int PROJECT = 0;
    /** Attention output projection, residual and MLP. */
    public static final int COMPLETE = 1;
    /** Final norm and output head. */
    public static final int HEAD = 2;
    /** The head's key. */
    public static final OpKey LOGITS = new OpKey(Integer.MAX_VALUE, HEAD);

    public static OpKey project(int layer) {
        return new OpKey(layer, PROJECT);
    }

    public static OpKey complete(int layer) {
        return new OpKey(layer, COMPLETE);
    }

    @Override
    public int compareTo(OpKey o) {
        return layer != o.layer ? Integer.compare(layer, o.layer) : Integer.compare(phase, o.phase);
    }
}
