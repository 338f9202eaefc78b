package dev.elasticcache.lab.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.lab.Args;
import dev.elasticcache.model.IntraOpThreads;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Can attention be stacked across the sequences of a batch and stay exact? (issue 16, the question behind keeping
 * attention per sequence in {@code dev.elasticcache.batch}.) On random inputs, the attention of one sequence alone
 * (the decoders' op order: {@code q·Kᵀ}, times 1/sqrt(hd), softmax, times V) is compared bit for bit with the
 * same sequence inside a batch of two, (a) when the neighbour has the same shape and (b) when the sequence's keys are
 * padded to a longer neighbour's key count and the padding is masked with -inf before the softmax.
 *
 * <pre>
 * --cases 40 --heads 4 --head-dim 64 --seed 3
 * </pre>
 */
public final class PaddedAttentionBitsMain {
    private static final Set<String> OPTIONS = Set.of("cases", "heads", "head-dim", "seed");

    private PaddedAttentionBitsMain() {
    }

    public static void main(String[] argv) {
        DjlDefaults.apply();
        Args args = Args.parse(argv, OPTIONS);
        int cases = args.getInt("cases", 40);
        int h = args.getInt("heads", 4);
        int hd = args.getInt("head-dim", 64);
        Random random = new Random(args.getInt("seed", 3));
        int sameProbs = 0;
        int sameContext = 0;
        int paddedProbs = 0;
        int paddedContext = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            IntraOpThreads.set(1);   // the batched engine's setting; exactness is claimed there at one thread
            NDArray scale = m.create((float) (1 / Math.sqrt(hd)));
            for (int c = 0; c < cases; c++) {
                try (NDManager scope = m.newSubManager()) {
                    int rows = 1 + random.nextInt(40);
                    int keys = 50 + random.nextInt(300);
                    int pad = 1 + random.nextInt(60);
                    NDArray q = normal(scope, random, h, rows, hd);
                    NDArray keysT = normal(scope, random, h, hd, keys);
                    NDArray v = normal(scope, random, h, keys, hd);
                    NDArray probs = q.matMul(keysT).mul(scale).softmax(-1);
                    NDArray context = probs.matMul(v);

                    NDArray sameQ = NDArrays.stack(new NDList(q, normal(scope, random, h, rows, hd)));
                    NDArray sameK = NDArrays.stack(new NDList(keysT, normal(scope, random, h, hd, keys)));
                    NDArray sameV = NDArrays.stack(new NDList(v, normal(scope, random, h, keys, hd)));
                    NDArray sameP = sameQ.matMul(sameK).mul(scale).softmax(-1);
                    sameProbs += bitEqual(probs, sameP.get(0)) ? 1 : 0;
                    sameContext += bitEqual(context, sameP.matMul(sameV).get(0)) ? 1 : 0;

                    NDArray mask = scope.zeros(new Shape(1, 1, keys))
                            .concat(scope.full(new Shape(1, 1, pad), Float.NEGATIVE_INFINITY), 2);
                    NDArray padK = NDArrays.stack(new NDList(keysT.concat(scope.zeros(new Shape(h, hd, pad)), 2),
                            normal(scope, random, h, hd, keys + pad)));
                    NDArray padV = NDArrays.stack(new NDList(v.concat(scope.zeros(new Shape(h, pad, hd)), 1),
                            normal(scope, random, h, keys + pad, hd)));
                    NDArray padP = sameQ.matMul(padK).mul(scale).add(mask).softmax(-1);
                    paddedProbs += bitEqual(probs, padP.get(0).get(new NDIndex(":, :, :{}", keys))) ? 1 : 0;
                    paddedContext += bitEqual(context, padP.matMul(padV).get(0)) ? 1 : 0;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d random cases, %d heads x %d, 1-40 query rows, 50-349 keys, one intra-op thread%n",
                cases, h, hd);
        System.out.printf(Locale.ROOT, "batch of equal shapes:        probs bit-equal %d/%d, context bit-equal %d/%d%n",
                sameProbs, cases, sameContext, cases);
        System.out.printf(Locale.ROOT, "padded (1-60 keys) + masked:  probs bit-equal %d/%d, context bit-equal %d/%d%n",
                paddedProbs, cases, paddedContext, cases);
    }

    private static NDArray normal(NDManager scope, Random random, long... shape) {
        float[] values = new float[Math.toIntExact(new Shape(shape).size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return scope.create(values, new Shape(shape));
    }

    private static boolean bitEqual(NDArray alone, NDArray batched) {
        return Arrays.equals(alone.toFloatArray(), batched.toFloatArray());
    }
}
