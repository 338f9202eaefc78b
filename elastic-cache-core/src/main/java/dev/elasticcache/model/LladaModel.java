package dev.elasticcache.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.model.weights.WeightFootprint;
import dev.elasticcache.model.weights.WeightLoader;
import dev.elasticcache.model.weights.WeightStorage;
import java.nio.file.Path;

/**
 * The LLaDA transformer (Llama-style blocks with bidirectional attention and no mask) on DJL's PyTorch
 * engine.
 *
 * <p>The forward is exposed as building blocks so that a decoder can run any subset of query rows at their
 * absolute positions and decide per layer which keys and values come from a cache: {@link #embed},
 * {@link #project}, {@link #attend}, {@link #completeBlock}, {@link #logits}. {@link #forward} chains them
 * over a whole sequence and is the cache-free reference.
 *
 * <p>Every intermediate result is owned by the manager of the caller's input arrays, so a decoder frees a
 * step's native memory by closing one scope.
 */
public final class LladaModel implements DiffusionModel {
    private final LladaConfig config;
    private final LladaWeights weights;
    private final RotaryEmbedding rope;
    private final NDManager manager;
    /**
     * 1/sqrt(hd) as a tensor owned by the model: DJL's {@code mul(Number)} frees its scalar at once, which an
     * autograd graph (the trainer) would still read in the backward pass.
     */
    private final NDArray scale;
    private final FusedBlocks fused;

    /**
     * Wraps weights that already live in {@code manager}; closing the model closes that manager.
     */
    public LladaModel(LladaConfig config, LladaWeights weights, NDManager manager) {
        this.config = config;
        this.weights = weights;
        this.manager = manager;
        this.rope = new RotaryEmbedding(manager, config.headDim(), config.ropeTheta(), config.maxSequenceLength());
        this.scale = manager.create((float) (1.0 / Math.sqrt(config.headDim())));
        this.fused = new FusedBlocks(this, rope, manager);
    }

    /** Loads a LLaDA checkpoint folder onto the CPU, keeping weights as {@link WeightDtype#AUTO} decides. */
    public static LladaModel load(Path folder) {
        return load(folder, Device.cpu());
    }

    /** Loads a LLaDA checkpoint folder onto {@code device} ({@link WeightDtype#AUTO}). */
    public static LladaModel load(Path folder, Device device) {
        return load(folder, device, WeightDtype.AUTO);
    }

    /**
     * Loads a LLaDA checkpoint folder onto {@code device}, one matrix at a time, keeping the weights as
     * {@code dtype} says; nothing stays allocated if loading fails.
     */
    public static LladaModel load(Path folder, Device device, WeightDtype dtype) {
        DjlDefaults.apply();
        try (LladaCheckpoint checkpoint = LladaCheckpoint.open(folder)) {
            WeightStorage storage = MemoryBudget.storage(dtype, checkpoint.reader(), MemoryBudget.totalMemory());
            NDManager manager = NDManager.newBaseManager(device);
            try {
                LladaConfig config = checkpoint.config();
                LladaWeights weights = LladaWeights.load(config, new WeightLoader(checkpoint.reader(), manager, storage));
                return new LladaModel(config, weights, manager);
            } catch (RuntimeException | Error e) {
                manager.close();
                throw e;
            }
        }
    }

    @Override
    public WeightFootprint weightFootprint() {
        return weights.footprint(config.weightTying());
    }

    public LladaConfig config() {
        return config;
    }

    public LladaWeights weights() {
        return weights;
    }

    /** The manager that owns the weights; decoders open their scopes under it. */
    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    /** {@link ModelFamily#LLADA}: unshifted logits (row p predicts position p). */
    @Override
    public ModelFamily family() {
        return ModelFamily.LLADA;
    }

    @Override
    public int layers() {
        return config.nLayers();
    }

    @Override
    public int heads() {
        return config.nHeads();
    }

    @Override
    public int kvHeads() {
        return config.nKvHeads();
    }

    @Override
    public int headDim() {
        return config.headDim();
    }

    @Override
    public int hiddenSize() {
        return config.dModel();
    }

    @Override
    public int mlpHiddenSize() {
        return config.mlpHiddenSize();
    }

    @Override
    public int logitsWidth() {
        return config.embeddingSize();
    }

    @Override
    public int maskTokenId() {
        return config.maskTokenId();
    }

    @Override
    public int eosTokenId() {
        return config.eosTokenId();
    }

    @Override
    public int maxLength() {
        return config.maxSequenceLength();
    }

    /** The same forward blocks with fewer native ops, bit for bit equal: what the decoders' hot loops use. */
    @Override
    public FusedBlocks fused() {
        return fused;
    }

    /** Token embeddings [T, d] of int64 ids [T]; owned by the ids' manager. */
    @Override
    public NDArray embed(NDArray ids) {
        return weights.embedding().rows(ids);
    }

    /** RMSNorm over the last axis in fp32: {@code x / sqrt(mean(x^2) + eps) * w}. */
    public NDArray rmsNorm(NDArray x, NDArray weight) {
        return TensorOps.rmsNorm(x, weight, config.rmsNormEps());
    }

    /** RoPE tables for the given int64 absolute positions [T]. */
    @Override
    public NDList ropeTables(NDArray positions) {
        return rope.tables(positions);
    }

    /** Attention-normalised layer inputs h [T, d] times the fused q/k/v weights: [T, (H + 2 Hkv) hd]. */
    @Override
    public NDArray qkvRows(int layer, NDArray h) {
        LayerWeights w = weights.layers()[layer];
        return w.qkv().apply(rmsNorm(h, w.attnNorm()));
    }

    /** q [H, T, hd], k and v [Hkv, T, hd] of {@link #qkvRows}, q and k rotated at the rows' positions. */
    @Override
    public Qkv qkvHeads(NDArray qkv, NDList ropeTables) {
        return TensorOps.qkvHeads(qkv, config.nHeads(), config.nKvHeads(), config.headDim(), rope, ropeTables);
    }

    /**
     * Bidirectional attention of query heads over a full key/value set, with no mask. Results belong to the
     * manager of {@code q}.
     *
     * @param q [H, T, hd]
     * @param keysT keys transposed, [Hkv, hd, N]: {@link #keysT} of fresh keys, or a cache kept in that layout
     * @param v [Hkv, N, hd]
     * @return the context [T, H hd] and the probabilities [H, T, N]
     */
    @Override
    public AttentionOutput attend(NDArray q, NDArray keysT, NDArray v) {
        NDArray probs = attentionProbs(q, keysT);
        NDArray context = probs.matMul(expandKv(v, q.getManager()));
        long rows = q.getShape().get(1);
        return new AttentionOutput(context.transpose(1, 0, 2).reshape(rows, (long) config.nHeads() * config.headDim()), probs);
    }

    /** Attention probabilities only [H, T, N], e.g. of tracked tokens against a previous cache state. */
    @Override
    public NDArray attentionProbs(NDArray q, NDArray keysT) {
        // Multiply by 1/sqrt(hd) after the matmul, as the reference kernel does.
        return q.matMul(expandKv(keysT, q.getManager())).mul(scale).softmax(-1);
    }

    /** Keys [Hkv, N, hd] as the transposed view [Hkv, hd, N] that {@link #attend} takes. */
    public static NDArray keysT(NDArray keys) {
        return keys.transpose(0, 2, 1);
    }

    /**
     * A contiguous [Hkv, hd, N] copy of keys [Hkv, N, hd]: the layout a key cache should keep, since libtorch
     * multiplies a contiguous right operand two to three times faster than a transposed view.
     */
    public static NDArray contiguousKeysT(NDArray keys) {
        Shape s = keys.getShape();
        return keys.transpose(0, 2, 1).reshape(-1).reshape(s.get(0), s.get(2), s.get(1));
    }

    /** Repeats each KV head for its group of query heads (GQA); identity for plain multi-head attention. */
    private NDArray expandKv(NDArray kv, NDManager scope) {
        return TensorOps.repeatKv(kv, config.nHeads() / config.nKvHeads(), scope);
    }

    /**
     * The rest of a block after attention: residual add of attn_out, then the SwiGLU MLP with its residual.
     *
     * @param layer block index
     * @param h the block's input rows [T, d]
     * @param context the attention context of the same rows [T, H hd]
     * @return the block's output rows [T, d]
     */
    @Override
    public NDArray completeBlock(int layer, NDArray h, NDArray context) {
        LayerWeights w = weights.layers()[layer];
        NDArray x = h.add(w.attnOut().apply(context));
        return TensorOps.swiGluResidual(x, rmsNorm(x, w.ffNorm()), w.gateUp(), w.down());
    }

    /** Output logits [T, embeddingSize] of final-layer rows [T, d]. */
    @Override
    public NDArray logits(NDArray h) {
        return weights.head().apply(rmsNorm(h, weights.finalNorm()));
    }

    /**
     * Cache-free reference forward of a whole sequence at positions 0..N-1.
     *
     * @param ids int64 token ids [N]
     * @return logits [N, embeddingSize], owned by the ids' manager
     */
    @Override
    public NDArray forward(NDArray ids) {
        return forwardSequences(ids.reshape(1, ids.getShape().get(0)));
    }

    /**
     * Cache-free forward of B independent sequences of equal length N, each at positions 0..N-1 (training
     * batches: LLaDA attention has no mask, so sequences are batched only with others of the same length).
     *
     * @param ids int64 token ids [B, N]
     * @return logits [B N, embeddingSize], sequence by sequence, owned by the ids' manager
     */
    public NDArray forwardSequences(NDArray ids) {
        return forwardSequences(ids, null);
    }

    /**
     * {@link #forwardSequences(NDArray)} with an additive attention bias over keys (training batches of
     * left-padded sequences hide the padding with -1e9).
     *
     * @param keyBias [1, B, 1, N] added to the attention scores before the softmax, or null
     */
    public NDArray forwardSequences(NDArray ids, NDArray keyBias) {
        int sequences = Math.toIntExact(ids.getShape().get(0));
        int n = Math.toIntExact(ids.getShape().get(1));
        return forwardEmbedded(embed(ids.reshape((long) sequences * n)), sequences, keyBias);
    }

    /**
     * {@link #forwardSequences(NDArray, NDArray)} from input rows instead of ids: B sequences of equal length as
     * one {@code [B N, d]} block (a vision-language model's prompt, image rows spliced between text rows).
     *
     * @param rows input embeddings [B N, d], sequence by sequence
     * @param sequences B
     * @param keyBias [1, B, 1, N] added to the attention scores before the softmax, or null
     * @return logits [B N, embeddingSize], owned by the rows' manager
     */
    public NDArray forwardEmbedded(NDArray rows, int sequences, NDArray keyBias) {
        return forwardEmbedded(rows, sequences, keyBias, null);
    }

    /** Sees each layer's attention probabilities {@code [H, B, N, N]} of a training forward (auxiliary losses). */
    @FunctionalInterface
    public interface AttentionTap {
        void layer(int layer, NDArray probs);
    }

    /** {@link #forwardEmbedded(NDArray, int, NDArray)} that hands every layer's probabilities to {@code tap} (may be null). */
    public NDArray forwardEmbedded(NDArray rows, int sequences, NDArray keyBias, AttentionTap tap) {
        NDManager scope = rows.getManager();
        int n = Math.toIntExact(rows.getShape().get(0) / sequences);
        int[] positions = new int[sequences * n];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i % n;
        }
        NDList tables = ropeTables(TensorOps.indices(scope, positions));
        // Every op but attention works row by row, so the B sequences travel as one [B N, d] block of rows.
        NDArray h = rows;
        for (int l = 0; l < config.nLayers(); l++) {
            Qkv qkv = project(l, h, tables);
            NDArray context;
            if (sequences == 1 && keyBias == null && tap == null) {
                context = attend(qkv.q(), keysT(qkv.k()), qkv.v()).context();
            } else {
                AttentionOutput out = attendWithinSequences(qkv, sequences, n, keyBias);
                if (tap != null) {
                    tap.layer(l, out.probs());
                }
                context = out.context();
            }
            h = completeBlock(l, h, context);
        }
        return logits(h);
    }

    /**
     * Attention of each sequence's rows over its own keys only: [H, B N, hd] split into [H, B, N, hd]; the context
     * [B N, H hd] and the probabilities [H, B, N, N].
     */
    private AttentionOutput attendWithinSequences(Qkv qkv, int sequences, int n, NDArray keyBias) {
        int hd = config.headDim();
        NDArray q = qkv.q().reshape(config.nHeads(), sequences, n, hd);
        NDArray keysT = qkv.k().reshape(config.nKvHeads(), sequences, n, hd).transpose(0, 1, 3, 2);
        NDArray v = qkv.v().reshape(config.nKvHeads(), sequences, n, hd);
        NDArray scores = q.matMul(expandKv(keysT, q.getManager())).mul(scale);
        NDArray probs = (keyBias == null ? scores : scores.add(keyBias)).softmax(-1);
        NDArray context = probs.matMul(expandKv(v, q.getManager()));
        return new AttentionOutput(context.transpose(1, 2, 0, 3).reshape((long) sequences * n, (long) config.nHeads() * hd),
                probs);
    }

    @Override
    public void close() {
        manager.close();
    }
}
