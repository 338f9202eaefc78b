package dev.elasticcache.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * LLaDA-V's {@code mm_projector}: {@code mlp<N>x_gelu} is Linear(mm_hidden, hidden), then N-1 times
 * (GELU, Linear(hidden, hidden)), with PyTorch's default exact (erf) {@code nn.GELU()}; {@code linear} is
 * the first Linear alone. Applied per token to the tower's features, before the {@code spatial_unpad} layout.
 */
public final class MlpProjector {

    private final VisionWeights weights;

    public MlpProjector(VisionWeights weights) {
        this.weights = weights;
    }

    /** Number of Linear layers. */
    public int depth() {
        return weights.projector().length;
    }

    /**
     * Projects {@code [..., mmHidden]} features to {@code [..., textHidden]}; the result is owned by the manager
     * of {@code features}, temporaries are freed.
     */
    public NDArray forward(NDArray features) {
        NDManager out = features.getManager();
        try (NDManager scope = out.newSubManager()) {
            NDArray y = weights.projector()[0].apply(features);
            y.attach(scope);
            y = y.add(weights.projectorB()[0]);
            for (int i = 1; i < depth(); i++) {
                y = weights.projector()[i].apply(SiglipVisionTower.geluErf(y)).add(weights.projectorB()[i]);
            }
            y.attach(out);
            return y;
        }
    }
}
