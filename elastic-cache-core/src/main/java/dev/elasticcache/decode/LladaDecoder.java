package dev.elasticcache.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.IntraOpThreads;

/**
 * The vanilla LLaDA sampler: semi-autoregressive blocks, the linear transfer schedule, a full cache-free
 * forward at every step, and low-confidence (or random) remasking with optional Gumbel sampling.
 */
final class LladaDecoder implements Decoder {
    private final boolean reference;

    LladaDecoder() {
        this(false);
    }

    /** @param reference run the model's op-by-op blocks (the pre-issue-16 path) instead of the fused ones */
    LladaDecoder(boolean reference) {
        this.reference = reference;
    }

    @Override
    public DecodeResult decode(DecodeRun run) {
        DecodingOptions o = run.options();
        if (run.model().logitsShift()) {
            try (IntraOpThreads.Layers threads = Forward.threads(run.model(), reference)) {
                return DreamBaseline.decode(run, Forward.blocks(run.model(), reference), threads);
            }
        }
        if (o.remasking() == Remasking.TOPK_MARGIN || o.remasking() == Remasking.ENTROPY) {
            throw new IllegalArgumentException("remasking " + o.remasking().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-') + " belongs to Dream's baseline; LLaDA's takes low-confidence or random");
        }
        int p = run.promptLength();
        int blocks = Blocks.count(run);
        int stepsPerBlock = o.resolvedSteps() / (o.genLength() / o.blockLength());
        int layers = run.model().layers();
        int[] allRows = Forward.span(0, run.length());
        ForwardBlocks ops = Forward.blocks(run.model(), reference);
        try (IntraOpThreads.Layers threads = Forward.threads(run.model(), reference)) {
            for (int b = 0; b < blocks; b++) {
                int from = p + b * o.blockLength();
                int to = Math.min(from + o.blockLength(), run.length());
                int masks = run.maskedIn(from, to).length;
                int blockSteps = Blocks.steps(run, stepsPerBlock, masks);
                if (blockSteps == 0) {
                    continue;
                }
                int[] schedule = TransferSchedule.of(masks, blockSteps);
                for (int step = 0; step < blockSteps; step++) {
                    run.checkCancelled();
                    int[] candidates = run.maskedIn(from, to);
                    if (candidates.length == 0) {
                        break;
                    }
                    float[] logits;
                    try (NDManager scope = run.model().manager().newSubManager()) {
                        threads.layer(run.length(), run.length());
                        NDArray hidden = Forward.fullHidden(run.model(), ops, scope, run.tokens(), Forward.LayerSink.NONE);
                        threads.head(candidates.length);
                        logits = Forward.logitsAt(ops, hidden, run.logitRows(candidates));
                    }
                    run.countForward((long) run.length() * layers, layers);
                    int k = Math.min(schedule[step], candidates.length);
                    Predictions pred = run.predict(logits, candidates);
                    double[] score = o.remasking() == Remasking.RANDOM ? randomScores(run, candidates.length) : pred.confidence();
                    int[] chosen = Ranking.ascending(Ranking.topK(score, k));
                    commitChosen(run, candidates, allRows, 0, pred, chosen);
                }
            }
        }
        return run.finish();
    }

    private static double[] randomScores(DecodeRun run, int n) {
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = run.random().nextDouble();
        }
        return scores;
    }

    /** Commits the chosen candidate indices (ascending) with their predicted tokens. */
    static void commitChosen(DecodeRun run, int[] candidates, int[] queryRows, int startReset, Predictions pred,
            int[] chosen) {
        int[] positions = new int[chosen.length];
        int[] tokens = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            positions[i] = candidates[chosen[i]];
            tokens[i] = pred.tokens()[chosen[i]];
        }
        run.commit(candidates, queryRows, startReset, new int[0], positions, tokens);
    }
}
