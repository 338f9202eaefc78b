package dev.elasticcache.decode;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArray;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.TensorOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cache-free reference decoders for the oracle tests: every step runs the model's plain full forward and
 * applies the strategy's unmasking rule written out directly from the algorithm description. For a family
 * with shifted logits (Dream) the full forward's logits are shifted first ({@link DreamModel#shift}: row p then
 * predicts position p), so position p is read from row p as for LLaDA.
 */
final class ReferenceDecoding {
    private ReferenceDecoding() {}

    /** The final sequence and, per step, the decoded positions. */
    record Outcome(int[] sequence, List<int[]> decodedPerStep) {}

    static float[][] logitsRows(DiffusionModel model, int[] tokens, int[] rows) {
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.forward(TensorOps.indices(scope, tokens));
            float[] all = (model.logitsShift() ? DreamModel.shift(logits) : logits).toFloatArray();
            int vocab = all.length / tokens.length;
            float[][] out = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                out[i] = Arrays.copyOfRange(all, rows[i] * vocab, (rows[i] + 1) * vocab);
            }
            return out;
        }
    }

    /** Float64 softmax probability of the (lowest-index) argmax token. */
    static double[] best(float[] logits) {
        int arg = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[arg]) {
                arg = v;
            }
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp((double) l - logits[arg]);
        }
        return new double[] {arg, 1.0 / sum};
    }

    static int[] init(int[] prompt, int gen, int mask) {
        int[] x = Arrays.copyOf(prompt, prompt.length + gen);
        Arrays.fill(x, prompt.length, x.length, mask);
        return x;
    }

    /** Elastic-Cache's window / threshold / EOS rules on a full forward every step. */
    static Outcome elastic(DiffusionModel model, int[] prompt, DecodingOptions o) {
        int mask = model.maskTokenId();
        int eos = model.eosTokenId();
        int[] x = init(prompt, o.genLength(), mask);
        List<Integer> masked = new ArrayList<>();
        for (int p = prompt.length; p < x.length; p++) {
            masked.add(p);
        }
        List<int[]> steps = new ArrayList<>();
        boolean eosSeen = false;
        while (!masked.isEmpty()) {
            int[] win = masked.stream().limit(o.windowLength()).mapToInt(Integer::intValue).toArray();
            float[][] logits = logitsRows(model, x, win);
            double[] conf = new double[win.length];
            int[] tok = new int[win.length];
            double max = 0;
            for (int i = 0; i < win.length; i++) {
                double[] b = best(logits[i]);
                tok[i] = (int) b[0];
                conf[i] = b[1];
                max = Math.max(max, conf[i]);
            }
            List<Integer> keep = new ArrayList<>();
            if (o.threshold() != null) {
                for (int i = 0; i < win.length; i++) {
                    if (conf[i] >= Math.min(o.threshold(), max)) {
                        keep.add(i);
                    }
                }
            } else {
                for (int r = 0; r < Math.min(o.tokensPerIter(), win.length); r++) {
                    int arg = -1;
                    for (int i = 0; i < win.length; i++) {
                        if (!keep.contains(i) && (arg < 0 || conf[i] > conf[arg])) {
                            arg = i;
                        }
                    }
                    keep.add(arg);
                }
                keep.sort(null);
            }
            int[] decoded = keep.stream().mapToInt(i -> win[i]).toArray();
            int firstEos = Integer.MAX_VALUE;
            for (int i : keep) {
                x[win[i]] = tok[i];
                masked.remove(Integer.valueOf(win[i]));
                if (tok[i] == eos) {
                    firstEos = Math.min(firstEos, win[i]);
                }
            }
            if (!eosSeen && firstEos != Integer.MAX_VALUE) {
                eosSeen = true;
                int e = firstEos;
                masked.removeIf(p -> p > e);
            }
            steps.add(decoded);
        }
        return new Outcome(x, steps);
    }

    /** Vanilla LLaDA: blocks, linear schedule, greedy low-confidence remasking. */
    static Outcome llada(DiffusionModel model, int[] prompt, DecodingOptions o) {
        int mask = model.maskTokenId();
        int[] x = init(prompt, o.genLength(), mask);
        int blocks = o.genLength() / o.blockLength();
        int perBlock = o.resolvedSteps() / blocks;
        List<int[]> steps = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            int from = prompt.length + b * o.blockLength();
            int masks = o.blockLength();
            for (int s = 0; s < perBlock; s++) {
                int k = masks / perBlock + (s < masks % perBlock ? 1 : 0);
                int[] cand = masksIn(x, from, from + o.blockLength(), mask);
                if (cand.length == 0) {
                    break;
                }
                steps.add(decodeTop(model, x, cand, k, null));
            }
        }
        return new Outcome(x, steps);
    }

    /** Fast-dLLM threshold decoding without cache. */
    static Outcome fastDllm(DiffusionModel model, int[] prompt, DecodingOptions o) {
        int mask = model.maskTokenId();
        int[] x = init(prompt, o.genLength(), mask);
        List<int[]> steps = new ArrayList<>();
        for (int from = prompt.length; from < x.length; from += o.blockLength()) {
            int[] cand;
            while ((cand = masksIn(x, from, from + o.blockLength(), mask)).length > 0) {
                steps.add(decodeTop(model, x, cand, cand.length, o.threshold()));
            }
        }
        return new Outcome(x, steps);
    }

    /**
     * Fast-dLLM's Dream form without a cache, written from dream.md §3: no blocks; each step a quota of
     * blockLength plus the unused rest of earlier steps over all answer masks, rank 0 always, others at the threshold.
     */
    static Outcome fastDllmDreamParallel(DiffusionModel model, int[] prompt, DecodingOptions o) {
        int mask = model.maskTokenId();
        int[] x = init(prompt, o.genLength(), mask);
        List<int[]> steps = new ArrayList<>();
        int carry = 0;
        int[] cand;
        while ((cand = masksIn(x, prompt.length, x.length, mask)).length > 0) {
            int quota = o.blockLength() + carry;
            int[] decoded = decodeTop(model, x, cand, quota, o.threshold());
            carry = quota - decoded.length;
            steps.add(decoded);
        }
        return new Outcome(x, steps);
    }

    /** Decodes the top-k candidates by confidence; with a threshold, rank 0 plus those reaching it. */
    private static int[] decodeTop(DiffusionModel model, int[] x, int[] cand, int k, Double threshold) {
        float[][] logits = logitsRows(model, x, cand);
        double[] conf = new double[cand.length];
        int[] tok = new int[cand.length];
        for (int i = 0; i < cand.length; i++) {
            double[] b = best(logits[i]);
            tok[i] = (int) b[0];
            conf[i] = b[1];
        }
        List<Integer> chosen = new ArrayList<>();
        for (int r = 0; r < Math.min(k, cand.length); r++) {
            int arg = -1;
            for (int i = 0; i < cand.length; i++) {
                if (!chosen.contains(i) && (arg < 0 || conf[i] > conf[arg])) {
                    arg = i;
                }
            }
            if (threshold != null && r > 0 && conf[arg] < threshold) {
                break;
            }
            chosen.add(arg);
        }
        chosen.sort(null);
        int[] decoded = new int[chosen.size()];
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = cand[chosen.get(i)];
            x[decoded[i]] = tok[chosen.get(i)];
        }
        return decoded;
    }

    static int[] masksIn(int[] x, int from, int to, int mask) {
        return java.util.stream.IntStream.range(from, to).filter(p -> x[p] == mask).toArray();
    }
}
