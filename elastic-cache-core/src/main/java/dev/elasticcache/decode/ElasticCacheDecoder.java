package dev.elasticcache.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.elasticcache.TokenIds;
import dev.elasticcache.model.AttentionOutput;
import dev.elasticcache.model.ForwardBlocks;
import dev.elasticcache.model.IntraOpThreads;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.Qkv;
import dev.elasticcache.model.TensorOps;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Elastic-Cache (arXiv 2510.14973), following the reference implementation step for step.
 *
 * <p>Each step queries only the tracked tokens, last step's decodes and a sliding window over the first W
 * masked positions; every other row keeps its cached layer input and K/V (far MASK tokens stay in the key
 * set). In every layer the decoder re-scores which unmasked token the window attends to most and, in the
 * shallow layers, compares the attention of last step's tracked tokens before and after this step's cache
 * update (cosine over heads, averaged). The first layer whose similarity falls below gamma makes every deeper
 * layer recompute all rows from its cached inputs.
 */
final class ElasticCacheDecoder implements Decoder {
    private final boolean reference;

    ElasticCacheDecoder() {
        this(false);
    }

    /**
     * @param reference run {@link ReferencePass}, the per-layer loop as it was before the step-cost work
     *     (issue 16), instead of {@link Pass}: same decisions, more native ops and host copies per step
     */
    ElasticCacheDecoder(boolean reference) {
        this.reference = reference;
    }

    @Override
    public DecodeResult decode(DecodeRun run) {
        DecodingOptions o = run.options();
        DiffusionModel model = run.model();
        int layers = run.model().layers();
        int n = run.length();
        int eos = run.model().eosTokenId();
        int[] masked = run.maskedIn(run.promptLength(), n);
        int[] newDecoded = Forward.span(0, run.promptLength());
        int[] track = new int[0];
        boolean eosSeen = false;
        try (NDManager generation = model.manager().newSubManager();
                IntraOpThreads.Layers threads = Forward.threads(model, reference)) {
            LayerCaches caches = new LayerCaches(generation, layers);
            NDList fullTables = Forward.blocks(model, reference).ropeTables(TensorOps.range(generation, n));
            for (int step = 0; masked.length > 0; step++) {
                run.checkCancelled();
                int[] forwardWindow = o.blockCaching() ? head(masked, o.windowLength()) : masked;
                int[] window = head(masked, o.windowLength());
                // The rows whose logits decide the window (p-1 for a shifted family, duplicates kept as fed).
                int[] windowRows = run.logitRows(forwardWindow);
                boolean first = step == 0;
                int[] queryRows = first ? Forward.span(0, n) : TokenIds.concat(track, newDecoded, windowRows);
                int startReset = first ? -1 : o.fullRefresh() ? 0 : layers;
                StepPass pass;
                try (NDManager scope = generation.newSubManager()) {
                    pass = reference
                            ? new ReferencePass(run, scope, caches, fullTables, queryRows, windowRows, masked, track, startReset)
                            : new Pass(run, scope, caches, fullTables, queryRows, windowRows, masked, track, startReset, threads);
                    pass.run();
                }
                int effectiveReset = Math.max(pass.startReset, 0);
                run.countForward(pass.layerRows, layers - Math.min(effectiveReset, layers));

                Predictions pred = run.predict(Arrays.copyOf(pass.logits, window.length * pass.vocab), window);
                int[] chosen = o.threshold() == null
                        ? Ranking.ascending(Ranking.topK(pred.confidence(), o.tokensPerIter()))
                        : confident(pred.confidence(), o.threshold());
                int[] positions = new int[chosen.length];
                int[] tokens = new int[chosen.length];
                for (int i = 0; i < chosen.length; i++) {
                    positions[i] = window[chosen[i]];
                    tokens[i] = pred.tokens()[chosen[i]];
                }
                track = pass.track;
                run.commit(window, queryRows, effectiveReset, track, positions, tokens);

                newDecoded = positions;
                masked = without(masked, positions);
                if (run.hasCanvas()) {
                    // Slot-local truncation: a filler closes the rest of its slot, as the first EOS closes the answer.
                    masked = Arrays.stream(masked).filter(run::isOpen).toArray();
                } else if (!eosSeen) {
                    int firstEos = firstEos(positions, tokens, eos);
                    if (firstEos >= 0) {
                        // Only the first EOS truncates: later positions are never decoded and stay masks.
                        eosSeen = true;
                        masked = Arrays.stream(masked).filter(p -> p <= firstEos).toArray();
                    }
                }
            }
        }
        return run.finish();
    }

    /**
     * Threshold unmasking of the reference: keep every window position whose confidence reaches
     * {@code min(threshold, max confidence)}, so at least the most confident position (and all ties with it).
     */
    static int[] confident(double[] confidence, double threshold) {
        double max = Arrays.stream(confidence).max().orElse(0);
        double bar = Math.min(threshold, max);
        return java.util.stream.IntStream.range(0, confidence.length).filter(i -> confidence[i] >= bar).toArray();
    }

    private static int firstEos(int[] positions, int[] tokens, int eos) {
        int first = -1;
        for (int i = 0; i < positions.length; i++) {
            if (tokens[i] == eos && (first < 0 || positions[i] < first)) {
                first = positions[i];
            }
        }
        return first;
    }

    static int[] head(int[] values, int count) {
        return Arrays.copyOf(values, Math.min(count, values.length));
    }

    static int[] without(int[] values, int[] removed) {
        int[] sortedRemoved = Ranking.ascending(removed);
        return Arrays.stream(values).filter(v -> Arrays.binarySearch(sortedRemoved, v) < 0).toArray();
    }

    /**
     * Per-layer caches of one generation over all N positions: layer input [N, d], post-RoPE Q [H, N, hd],
     * post-RoPE keys transposed [Hkv, hd, N] (contiguous: the fast attention operand), V [Hkv, N, hd].
     */
    static final class LayerCaches {
        final NDManager owner;
        final NDArray[] input;
        final NDArray[] q;
        final NDArray[] k;
        final NDArray[] v;
        /** {@link #k} seen as [Hkv, N, hd] (a view): rows of fresh keys are written through it without a transpose op. */
        final NDArray[] keyRows;
        /** The drift test's 1e-8 norm floor as an fp32 scalar, made once per generation. */
        final NDArray cosineFloor;

        LayerCaches(NDManager owner, int layers) {
            this.owner = owner;
            this.cosineFloor = owner.create(1e-8f);
            this.input = new NDArray[layers];
            this.q = new NDArray[layers];
            this.k = new NDArray[layers];
            this.v = new NDArray[layers];
            this.keyRows = new NDArray[layers];
        }

        /** Replaces a cache entry by a fresh all-rows array, moving it out of the step scope. */
        NDArray replace(NDArray[] slot, int layer, NDArray fresh) {
            if (slot[layer] != null) {
                slot[layer].close();
            }
            slot[layer] = TensorOps.into(owner, fresh);
            return fresh;
        }

        /** Replaces a layer's transposed key cache [Hkv, hd, N] and its row view. */
        NDArray replaceKeys(int layer, NDArray freshKeysT) {
            replace(k, layer, freshKeysT);
            if (keyRows[layer] != null) {
                keyRows[layer].close();
            }
            keyRows[layer] = freshKeysT.transpose(0, 2, 1);
            return freshKeysT;
        }
    }

    /** One forward pass of a step through every layer, with the cache logic of the reference implementation. */
    private abstract static class StepPass {
        final DecodeRun run;
        final DiffusionModel model;
        final NDManager scope;
        final LayerCaches caches;
        final NDList fullTables;
        final int[] queryRows;
        final int[] window;
        final int[] masked;
        final int[] previousTrack;
        int startReset;
        long layerRows;
        float[] logits;
        int vocab;
        int[] track;

        StepPass(DecodeRun run, NDManager scope, LayerCaches caches, NDList fullTables, int[] queryRows, int[] window,
                int[] masked, int[] previousTrack, int startReset) {
            this.run = run;
            this.model = run.model();
            this.scope = scope;
            this.caches = caches;
            this.fullTables = fullTables;
            this.queryRows = queryRows;
            this.window = window;
            this.masked = masked;
            this.previousTrack = previousTrack;
            this.startReset = startReset;
        }

        abstract void run();
    }

    /**
     * The per-layer loop with the cache logic of the reference implementation and the fewest native calls
     * that keep every number bit for bit: the fused blocks, index arrays and NDIndex objects built once per
     * pass, results left in the step scope instead of re-attached, the window scores of all layers copied to
     * the host once at the end of the pass (they decide nothing inside it), scalar constants as tensors.
     */
    private static final class Pass extends StepPass {
        private final IntraOpThreads.Layers threads;

        Pass(DecodeRun run, NDManager scope, LayerCaches caches, NDList fullTables, int[] queryRows, int[] window,
                int[] masked, int[] previousTrack, int startReset, IntraOpThreads.Layers threads) {
            super(run, scope, caches, fullTables, queryRows, window, masked, previousTrack, startReset);
            this.threads = threads;
        }

        @Override
        void run() {
            ForwardBlocks blocks = model.fused();
            int layers = model.layers();
            int n = run.length();
            int[] ids = new int[queryRows.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = run.token(queryRows[i]);
            }
            NDArray rowIndex = TensorOps.indices(scope, queryRows);
            NDIndex rowsOfInput = new NDIndex("{}", rowIndex);
            NDIndex rowsOfHeads = new NDIndex(":, {}", rowIndex);
            NDIndex trackOfHeads = previousTrack.length == 0 ? null : new NDIndex(":, {}", TensorOps.indices(scope, previousTrack));
            // Query rows are [track | last decodes | window]: one split of a narrow layer's probabilities gives the
            // tracked and the window rows. Once wide, window rows are picked by absolute position.
            long[] narrowParts = {previousTrack.length, queryRows.length - window.length};
            NDIndex windowOfWide = null;
            float gamma = (float) run.options().gamma();
            boolean wide = queryRows.length == n && startReset < 0;
            NDList tables = wide ? fullTables : blocks.ropeTables(rowIndex);
            NDArray h = model.embed(TensorOps.indices(scope, ids));
            NDList scores = new NDList(layers);
            for (int l = 0; l < layers; l++) {
                // The layer's intermediates live in a scope of their own, so a step holds one layer's at a time: h
                // is moved in (an op's result joins its first operand's manager), and what outlives the layer moves out.
                try (NDManager layerScope = scope.newSubManager()) {
                    h.attach(layerScope);
                    int sr = startReset;
                    // A cache takes an array only after its last use as a first operand here (DJL puts an op's result
                    // in the manager of its first operand).
                    NDArray input = null;
                    if (l > sr) {
                        input = h;
                    } else {
                        caches.input[l].set(rowsOfInput, h);
                        if (l == sr) {
                            // Widen to all N rows: fresh query rows, stale cached inputs for the others.
                            h = caches.input[l].get(layerScope, new NDIndex(":"));
                            wide = true;
                            tables = fullTables;
                        }
                    }
                    threads.layer(h.getShape().get(0), n);
                    Qkv qkv = blocks.project(l, h, tables);
                    NDArray keys;
                    NDArray values;
                    NDArray oldTrackProbs = null;
                    if (l >= sr) {
                        // Compact copies in the reference's layouts: q rows first, keys transposed, values as projected.
                        caches.replace(caches.q, l, qkv.q().transpose(1, 0, 2).duplicate().transpose(1, 0, 2));
                        keys = caches.replaceKeys(l, LladaModel.contiguousKeysT(qkv.k()));
                        values = caches.replace(caches.v, l, qkv.v().duplicate());
                    } else {
                        if (trackOfHeads != null) {
                            // Attention of the tracked tokens as of the previous cache state, before write-back.
                            oldTrackProbs = blocks.attentionProbs(caches.q[l].get(layerScope, trackOfHeads), caches.k[l]);
                        }
                        caches.q[l].set(rowsOfHeads, qkv.q());
                        caches.keyRows[l].set(rowsOfHeads, qkv.k());
                        caches.v[l].set(rowsOfHeads, qkv.v());
                        keys = caches.k[l];
                        values = caches.v[l];
                    }
                    AttentionOutput attention = blocks.attend(qkv.q(), keys, values);
                    NDArray probs = attention.probs();
                    NDArray windowProbs;
                    if (l >= sr) {
                        if (windowOfWide == null) {
                            windowOfWide = new NDIndex(":, {}, :", TensorOps.indices(scope, window));
                        }
                        windowProbs = probs.get(windowOfWide);
                    } else {
                        NDList parts = probs.split(narrowParts, 1);
                        windowProbs = parts.get(2);
                        if (oldTrackProbs != null) {
                            NDArray newTrackProbs = parts.get(0);
                            if (similarity(oldTrackProbs, newTrackProbs, caches.cosineFloor) < gamma) {
                                startReset = l + 1;
                            }
                        }
                    }
                    scores.add(windowProbs.sum(new int[] {0, 1}));
                    layerRows += h.getShape().get(0);
                    h = blocks.completeBlock(l, h, attention.context());
                    if (input != null) {
                        caches.replace(caches.input, l, input);
                    }
                    h.attach(scope);
                    scores.get(l).attach(scope);
                }
            }
            // One host copy of every layer's window scores: they only choose the next step's tracked tokens.
            float[] allScores = NDArrays.stack(scores).toFloatArray();
            TreeSet<Integer> tracked = new TreeSet<>();
            for (int l = 0; l < layers; l++) {
                for (int t : mostAttended(Arrays.copyOfRange(allScores, l * n, (l + 1) * n), masked, run.options().trackNum())) {
                    tracked.add(t);
                }
            }
            int rows = Math.toIntExact(h.getShape().get(0));
            NDArray logitRows = wide
                    ? h.get(scope, new NDIndex("{}", TensorOps.indices(scope, window)))
                    : h.get(new NDIndex("{}:", rows - window.length));
            threads.head(window.length);
            logits = blocks.logits(logitRows).toFloatArray();
            vocab = logits.length / Math.max(1, window.length);
            track = tracked.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Top-{@code trackNum} keys by window attention, masked positions excluded (lowest position on ties). */
    static int[] mostAttended(float[] score, int[] masked, int trackNum) {
        for (int p : masked) {
            score[p] = 0;
        }
        return Ranking.topK(score, trackNum);
    }

    /**
     * The per-layer loop as it was before the step-cost work (issue 16), kept unchanged as the reference of the
     * step-cost benchmark and of the equivalence tests (the tests' ReferenceDecoders): the model's op-by-op blocks,
     * one host copy of the window scores per layer, index arrays and NDIndex strings rebuilt per layer.
     */
    private static final class ReferencePass extends StepPass {

        ReferencePass(DecodeRun run, NDManager scope, LayerCaches caches, NDList fullTables, int[] queryRows, int[] window,
                int[] masked, int[] previousTrack, int startReset) {
            super(run, scope, caches, fullTables, queryRows, window, masked, previousTrack, startReset);
        }

        @Override
        void run() {
            int layers = model.layers();
            int n = run.length();
            int[] ids = new int[queryRows.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = run.token(queryRows[i]);
            }
            NDArray rowIndex = TensorOps.indices(scope, queryRows);
            NDIndex rowsOfInput = new NDIndex("{}", rowIndex);
            NDIndex rowsOfHeads = new NDIndex(":, {}", rowIndex);
            NDIndex columnsOfKeys = new NDIndex(":, :, {}", rowIndex);
            NDIndex trackOfHeads = new NDIndex(":, {}", TensorOps.indices(scope, previousTrack));
            boolean wide = queryRows.length == n && startReset < 0;
            NDList tables = wide ? fullTables : model.ropeTables(rowIndex);
            NDArray h = model.embed(TensorOps.indices(scope, ids));
            TreeSet<Integer> tracked = new TreeSet<>();
            for (int l = 0; l < layers; l++) {
                int sr = startReset;
                if (l > sr) {
                    caches.replace(caches.input, l, h);
                } else {
                    caches.input[l].set(rowsOfInput, h);
                    if (l == sr) {
                        // Widen to all N rows: fresh query rows, stale cached inputs for the others.
                        h = caches.input[l];
                        wide = true;
                        tables = fullTables;
                    }
                }
                Qkv qkv = model.project(l, h, tables);
                NDArray keys;
                NDArray values;
                NDArray oldTrackProbs = null;
                if (l >= sr) {
                    caches.replace(caches.q, l, qkv.q());
                    keys = caches.replace(caches.k, l, LladaModel.contiguousKeysT(qkv.k()));
                    values = caches.replace(caches.v, l, qkv.v().duplicate());
                } else {
                    if (previousTrack.length > 0) {
                        // Attention of the tracked tokens as of the previous cache state, before write-back.
                        NDArray oldQ = caches.q[l].get(scope, trackOfHeads);
                        oldTrackProbs = TensorOps.into(scope, model.attentionProbs(oldQ, caches.k[l]));
                    }
                    caches.q[l].set(rowsOfHeads, qkv.q());
                    caches.k[l].set(columnsOfKeys, LladaModel.keysT(qkv.k()));
                    caches.v[l].set(rowsOfHeads, qkv.v());
                    keys = caches.k[l];
                    values = caches.v[l];
                }
                AttentionOutput attention = model.attend(qkv.q(), keys, values);
                NDArray probs = TensorOps.into(scope, attention.probs());
                long rows = h.getShape().get(0);
                NDArray windowProbs;
                if (l >= sr) {
                    windowProbs = probs.get(new NDIndex(":, {}, :", TensorOps.indices(scope, window)));
                } else {
                    windowProbs = probs.get(":, {}:, :", rows - window.length);
                    if (oldTrackProbs != null) {
                        NDArray newTrackProbs = probs.get(":, :{}, :", previousTrack.length);
                        if (similarity(oldTrackProbs, newTrackProbs) < (float) run.options().gamma()) {
                            startReset = l + 1;
                        }
                    }
                }
                for (int t : mostAttended(windowProbs.sum(new int[] {0, 1}).toFloatArray(), masked, run.options().trackNum())) {
                    tracked.add(t);
                }
                layerRows += rows;
                h = model.completeBlock(l, h, attention.context());
            }
            int rows = Math.toIntExact(h.getShape().get(0));
            int[] logitRows = wide ? window : Forward.span(rows - window.length, rows);
            logits = Forward.logitsAt(model, h, logitRows);
            vocab = logits.length / Math.max(1, window.length);
            track = tracked.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Drift measure of the reference: cosine similarity over the head axis for every (tracked token, key)
     * pair, each norm clamped at 1e-8, averaged over all pairs.
     */
    static float similarity(NDArray before, NDArray after) {
        NDArray dot = before.mul(after).sum(new int[] {0});
        NDArray normBefore = before.square().sum(new int[] {0}).sqrt().maximum(1e-8f);
        NDArray normAfter = after.square().sum(new int[] {0}).sqrt().maximum(1e-8f);
        return dot.div(normBefore.mul(normAfter)).mean().getFloat();
    }

    /** {@link #similarity(NDArray, NDArray)} with the 1e-8 norm floor as a ready fp32 scalar tensor (same numbers). */
    static float similarity(NDArray before, NDArray after, NDArray floor) {
        NDArray dot = before.mul(after).sum(new int[] {0});
        NDArray normBefore = before.square().sum(new int[] {0}).sqrt().maximum(floor);
        NDArray normAfter = after.square().sum(new int[] {0}).sqrt().maximum(floor);
        return dot.div(normBefore.mul(normAfter)).mean().getFloat();
    }
}
