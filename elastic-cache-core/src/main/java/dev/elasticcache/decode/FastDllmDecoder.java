package dev.elasticcache.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.IntraOpThreads;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.Qkv;
import dev.elasticcache.model.TensorOps;
import java.util.Arrays;

/**
 * Fast-dLLM: confidence-threshold parallel decoding inside the current block (the top candidate always,
 * every other one whose confidence reaches the threshold), with no cache, the prefix cache (prompt and
 * finished blocks, refreshed at each block start) or the dual cache (everything but the current block,
 * refreshed at each block start). Without a threshold it follows the linear transfer schedule.
 *
 * <p>On a family with shifted logits (Dream) position p reads logits row p-1; with a threshold the prefix and
 * dual caches follow the official Dream code (dream.md §3): each block-start forward decodes exactly the block's
 * first position, unconditionally, and the cached steps feed from the block start; without a cache the official
 * Dream form has no blocks ({@link #dreamParallel}).
 */
final class FastDllmDecoder implements Decoder {

    /** Which keys and values are reused between the steps of a block. */
    enum Cache { NONE, PREFIX, DUAL }

    private final Cache cache;
    private final boolean reference;

    FastDllmDecoder(Cache cache) {
        this(cache, false);
    }

    /** @param reference run the model's op-by-op blocks (the pre-issue-16 path) instead of the fused ones */
    FastDllmDecoder(Cache cache, boolean reference) {
        this.cache = cache;
        this.reference = reference;
    }

    @Override
    public DecodeResult decode(DecodeRun run) {
        if (cache == Cache.NONE && run.options().threshold() != null && run.model().logitsShift()) {
            return dreamParallel(run);
        }
        DecodingOptions o = run.options();
        DiffusionModel model = run.model();
        int layers = run.model().layers();
        int n = run.length();
        int blocks = Blocks.count(run);
        int stepsPerBlock = o.resolvedSteps() / (o.genLength() / o.blockLength());
        ForwardBlocks ops = Forward.blocks(model, reference);
        try (IntraOpThreads.Layers threads = Forward.threads(model, reference)) {
            for (int b = 0; b < blocks; b++) {
                int from = run.promptLength() + b * o.blockLength();
                int to = Math.min(from + o.blockLength(), n);
                int masks = run.maskedIn(from, to).length;
                if (masks == 0) {
                    continue;
                }
                // Dream's threshold caches (dream.md §3): the block-start forward decodes exactly the block's first
                // position (argmax of row from-1, unconditionally), then the cached steps feed from the block start.
                // Otherwise a shifted family also feeds row from-1, which holds the logits of the first position.
                boolean dreamStart = model.logitsShift() && cache != Cache.NONE && o.threshold() != null;
                int fed = dreamStart ? from : from - Forward.lead(model);
                int[] schedule = o.threshold() == null
                        ? TransferSchedule.of(masks, Blocks.steps(run, stepsPerBlock, masks)) : null;
                NDArray[] keys = new NDArray[layers];
                NDArray[] values = new NDArray[layers];
                try (NDManager blockScope = model.manager().newSubManager()) {
                    for (int step = 0; run.maskedIn(from, to).length > 0; step++) {
                        run.checkCancelled();
                        int[] candidates = run.maskedIn(from, to);
                        boolean refresh = cache == Cache.NONE || step == 0;
                        int[] rows = refresh ? Forward.span(0, n) : cache == Cache.PREFIX ? Forward.span(fed, n) : Forward.span(fed, to);
                        float[] logits;
                        try (NDManager scope = blockScope.newSubManager()) {
                            threads.layer(rows.length, n);
                            NDArray hidden = refresh
                                    ? Forward.fullHidden(model, ops, scope, run.tokens(), (l, qkv) -> keep(blockScope, keys, values, l, qkv, fed))
                                    : cachedHidden(model, ops, scope, run.tokens(), rows, keys, values);
                            threads.head(candidates.length);
                            // A first position still masked in a Dream cached step (decoded as MASK) reads the first fed
                            // row's own logits, as the official in-feed shift does.
                            int[] logitRows = Arrays.stream(Forward.shift(run.logitRows(candidates), rows[0]))
                                    .map(r -> Math.max(r, 0)).toArray();
                            logits = Forward.logitsAt(ops, hidden, logitRows);
                        }
                        run.countForward((long) rows.length * layers, refresh ? layers : 0);
                        Predictions pred = run.predict(logits, candidates);
                        int[] chosen = dreamStart && refresh && candidates[0] == from ? new int[] {0}
                                : schedule == null
                                ? aboveThreshold(pred.confidence(), o.threshold())
                                : Ranking.topK(pred.confidence(), Math.min(schedule[Math.min(step, schedule.length - 1)], candidates.length));
                        LladaDecoder.commitChosen(run, candidates, rows, refresh ? 0 : layers, pred, Ranking.ascending(chosen));
                    }
                }
            }
        }
        return run.finish();
    }

    /**
     * Fast-dLLM's parallel decoding of Dream as the official code does it (dream.md §3, no cache): no blocks, every
     * step a full forward whose candidates are all masks of the answer; a quota of {@code blockLength} tokens per
     * step (the official scripts' steps = gen / 32) plus what earlier steps left unused; of the quota's most
     * confident candidates rank 0 always and the others reaching the threshold; until no mask is left.
     */
    private DecodeResult dreamParallel(DecodeRun run) {
        DecodingOptions o = run.options();
        DiffusionModel model = run.model();
        int n = run.length();
        ForwardBlocks ops = Forward.blocks(model, reference);
        int carry = 0;
        try (IntraOpThreads.Layers threads = Forward.threads(model, reference)) {
            int[] candidates;
            while ((candidates = run.maskedIn(run.promptLength(), n)).length > 0) {
                run.checkCancelled();
                float[] logits;
                try (NDManager scope = model.manager().newSubManager()) {
                    threads.layer(n, n);
                    NDArray hidden = Forward.fullHidden(model, ops, scope, run.tokens(), Forward.LayerSink.NONE);
                    threads.head(candidates.length);
                    logits = Forward.logitsAt(ops, hidden, run.logitRows(candidates));
                }
                run.countForward((long) n * model.layers(), model.layers());
                Predictions pred = run.predict(logits, candidates);
                int quota = o.blockLength() + carry;
                int[] chosen = aboveThreshold(pred.confidence(), o.threshold(), quota);
                carry = quota - chosen.length;
                LladaDecoder.commitChosen(run, candidates, Forward.span(0, n), 0, pred, Ranking.ascending(chosen));
            }
        }
        return run.finish();
    }

    /** Rank 0 always, then every candidate whose confidence reaches the threshold. */
    static int[] aboveThreshold(double[] confidence, double threshold) {
        return aboveThreshold(confidence, threshold, confidence.length);
    }

    /** The same among the {@code quota} most confident candidates only. */
    static int[] aboveThreshold(double[] confidence, double threshold, int quota) {
        int[] ranked = Ranking.topK(confidence, Math.min(quota, confidence.length));
        int keep = 1;
        while (keep < ranked.length && confidence[ranked[keep]] >= threshold) {
            keep++;
        }
        return java.util.Arrays.copyOf(ranked, keep);
    }

    /** Keeps a block-start layer's K/V: all N rows (dual) or only the prefix before the first fed row (prefix). */
    private void keep(NDManager blockScope, NDArray[] keysT, NDArray[] values, int layer, Qkv qkv, int blockStart) {
        if (cache == Cache.NONE) {
            return;
        }
        NDArray k = cache == Cache.PREFIX ? qkv.k().get(":, :{}, :", blockStart) : qkv.k();
        NDArray v = cache == Cache.PREFIX ? qkv.v().get(":, :{}, :", blockStart) : qkv.v();
        // Own compact copies, not views of this step's arrays (dual-cache rows are overwritten in place later);
        // keys are kept transposed, the layout attention multiplies fastest.
        keysT[layer] = TensorOps.into(blockScope, LladaModel.contiguousKeysT(k));
        values[layer] = TensorOps.into(blockScope, v.duplicate());
    }

    /** Forward of {@code rows} only, attending over cached keys/values for the rest of the sequence. */
    private NDArray cachedHidden(DiffusionModel model, ForwardBlocks blocks, NDManager scope, int[] tokens, int[] rows,
            NDArray[] keys, NDArray[] values) {
        int[] ids = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            ids[i] = tokens[rows[i]];
        }
        NDList tables = blocks.ropeTables(TensorOps.indices(scope, rows));
        NDArray h = model.embed(TensorOps.indices(scope, ids));
        NDIndex freshValues = new NDIndex(":, {}:{}, :", rows[0], rows[0] + rows.length);
        NDIndex freshKeys = new NDIndex(":, :, {}:{}", rows[0], rows[0] + rows.length);
        for (int l = 0; l < model.layers(); l++) {
            Qkv qkv = blocks.project(l, h, tables);
            NDArray kT;
            NDArray v;
            if (cache == Cache.PREFIX) {
                kT = TensorOps.into(scope, keys[l].concat(LladaModel.keysT(qkv.k()), 2));
                v = TensorOps.into(scope, values[l].concat(qkv.v(), 1));
            } else {
                keys[l].set(freshKeys, LladaModel.keysT(qkv.k()));
                values[l].set(freshValues, qkv.v());
                kT = keys[l];
                v = values[l];
            }
            h = blocks.completeBlock(l, h, blocks.attend(qkv.q(), kT, v).context());
        }
        return h;
    }
}
