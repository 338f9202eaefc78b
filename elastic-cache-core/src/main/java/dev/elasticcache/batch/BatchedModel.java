package dev.elasticcache.batch;

import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.ForwardingDiffusionModel;
import java.time.Duration;

/**
 * A model whose {@link #fused()} blocks stack the row-wise work of every sequence decoding at the same time
 * ({@link StepBatcher}); every decoder runs on it unchanged. The op-by-op blocks (the reference decoders) and
 * everything else are the model's own. Closing it does not close the model.
 */
public final class BatchedModel extends ForwardingDiffusionModel {
    private final StepBatcher batcher;
    private final ForwardBlocks fused;

    /**
     * @param maxWait how long a member's op waits for a busy member before its round starts without it
     * @param parallelism chunks a round of stacked ops may be split into (run by that many member threads at once)
     */
    public BatchedModel(DiffusionModel model, Duration maxWait, int parallelism) {
        super(model);
        this.batcher = new StepBatcher(model.manager(), maxWait, key -> rowFlops(model, key), parallelism);
        this.fused = new BatchedBlocks(model.fused(), batcher);
    }

    /** Matmul FLOPs of one row of an op. */
    static double rowFlops(DiffusionModel m, OpKey key) {
        double d = m.hiddenSize();
        double attention = (double) m.heads() * m.headDim();
        switch (key.phase()) {
            case OpKey.PROJECT:
                return 2 * d * (m.heads() + 2.0 * m.kvHeads()) * m.headDim();
            case OpKey.COMPLETE:
                return 2 * attention * d + 6 * d * m.mlpHiddenSize();
            default:
                return 2 * d * m.logitsWidth();
        }
    }

    /** The batcher: decode threads {@link StepBatcher#join} and {@link StepBatcher#leave} it. */
    public StepBatcher batcher() {
        return batcher;
    }

    @Override
    public ForwardBlocks fused() {
        return fused;
    }
}
