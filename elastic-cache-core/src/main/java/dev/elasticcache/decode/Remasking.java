package dev.elasticcache.decode;

/** How the LLaDA baseline ranks the masked positions it may unmask in a step. */
public enum Remasking {
    /** Unmask the positions whose predicted token is most probable (LLaDA's default). */
    LOW_CONFIDENCE,
    /** Unmask uniformly random positions. */
    RANDOM
}
