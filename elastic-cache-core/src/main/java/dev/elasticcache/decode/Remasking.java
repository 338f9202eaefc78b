package dev.elasticcache.decode;

/** How the {@code llada} strategy (LLaDA's baseline, or Dream's for a Dream model) ranks the masked positions it may unmask in a step. */
public enum Remasking {
    /** Unmask the positions whose predicted token is most probable (LLaDA's default; Dream's maskgit_plus). */
    LOW_CONFIDENCE,
    /** Unmask uniformly random positions (LLaDA only). */
    RANDOM,
    /** Dream only: rank by the margin between the two most probable tokens (topk_margin). */
    TOPK_MARGIN,
    /** Dream only: rank by negative entropy, sum p log(p + 1e-10) (entropy, Dream's evaluation default). */
    ENTROPY
}
