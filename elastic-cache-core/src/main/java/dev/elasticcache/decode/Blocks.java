package dev.elasticcache.decode;

/** The semi-autoregressive block layout of the block strategies over a run's answer region. */
final class Blocks {
    private Blocks() {}

    /** Blocks of {@code blockLength} over the answer (a canvas's last block may be shorter). */
    static int count(DecodeRun run) {
        int block = run.options().blockLength();
        return (run.genLength() + block - 1) / block;
    }

    /**
     * Steps of a block holding {@code masks} masked positions: the schedule's per-block steps, and in a canvas
     * (where fixed text fills part of a block) no more steps than masks, so no step unmasks nothing.
     */
    static int steps(DecodeRun run, int stepsPerBlock, int masks) {
        return run.hasCanvas() ? Math.min(stepsPerBlock, masks) : stepsPerBlock;
    }
}
