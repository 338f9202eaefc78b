package dev.elasticcache.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.elasticcache.model.AttentionOutput;
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

    @Override
    public DecodeResult decode(DecodeRun run) {
        DecodingOptions o = run.options();
        LladaModel model = run.model();
        int layers = run.config().nLayers();
        int n = run.length();
        int eos = run.config().eosTokenId();
        int[] masked = run.maskedIn(run.promptLength(), n);
        int[] newDecoded = Forward.span(0, run.promptLength());
        int[] track = new int[0];
        boolean eosSeen = false;
        try (NDManager generation = model.manager().newSubManager()) {
            LayerCaches caches = new LayerCaches(generation, layers);
            NDList fullTables = model.ropeTables(TensorOps.range(generation, n));
            for (int step = 0; masked.length > 0; step++) {
                run.checkCancelled();
                int[] forwardWindow = o.blockCaching() ? head(masked, o.windowLength()) : masked;
                int[] window = head(masked, o.windowLength());
                boolean first = step == 0;
                int[] queryRows = first ? Forward.span(0, n) : concat(track, newDecoded, forwardWindow);
                int startReset = first ? -1 : o.fullRefresh() ? 0 : layers;
                Pass pass;
                try (NDManager scope = generation.newSubManager()) {
                    pass = new Pass(run, scope, caches, fullTables, queryRows, forwardWindow, masked, track, startReset);
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

    static int[] concat(int[]... parts) {
        int total = 0;
        for (int[] p : parts) {
            total += p.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
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

        LayerCaches(NDManager owner, int layers) {
            this.owner = owner;
            this.input = new NDArray[layers];
            this.q = new NDArray[layers];
            this.k = new NDArray[layers];
            this.v = new NDArray[layers];
        }

        /** Replaces a cache entry by a fresh all-rows array, moving it out of the step scope. */
        NDArray replace(NDArray[] slot, int layer, NDArray fresh) {
            if (slot[layer] != null) {
                slot[layer].close();
            }
            slot[layer] = TensorOps.into(owner, fresh);
            return fresh;
        }
    }

    /** One forward pass of a step through every layer, with the cache logic of the reference. */
    private static final class Pass {
        private final DecodeRun run;
        private final LladaModel model;
        private final NDManager scope;
        private final LayerCaches caches;
        private final NDList fullTables;
        private final int[] queryRows;
        private final int[] window;
        private final int[] masked;
        private final int[] previousTrack;
        int startReset;
        long layerRows;
        float[] logits;
        int vocab;
        int[] track;

        Pass(DecodeRun run, NDManager scope, LayerCaches caches, NDList fullTables, int[] queryRows, int[] window,
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

        void run() {
            int layers = model.config().nLayers();
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
                for (int t : mostAttended(windowProbs.sum(new int[] {0, 1}).toFloatArray())) {
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

        /** Top-{@code trackNum} keys by window attention, masked positions excluded (lowest position on ties). */
        private int[] mostAttended(float[] score) {
            for (int p : masked) {
                score[p] = 0;
            }
            return Ranking.topK(score, run.options().trackNum());
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
}
