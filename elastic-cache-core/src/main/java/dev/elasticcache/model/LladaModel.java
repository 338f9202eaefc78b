package dev.elasticcache.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    /** Loads a LLaDA checkpoint folder onto the CPU. */
    public static LladaModel load(Path folder) {
        return load(folder, Device.cpu());
    }

    /** Loads a LLaDA checkpoint folder onto {@code device}; nothing stays allocated if loading fails. */
    public static LladaModel load(Path folder, Device device) {
        DjlDefaults.apply();
        try (LladaCheckpoint checkpoint = LladaCheckpoint.open(folder)) {
            NDManager manager = NDManager.newBaseManager(device);
            try {
                LladaConfig config = checkpoint.config();
                LladaWeights weights = loadWeights(checkpoint.reader(), config, manager);
                return new LladaModel(config, weights, manager);
            } catch (RuntimeException | Error e) {
                manager.close();
                throw e;
            }
        }
    }

    private static LladaWeights loadWeights(CheckpointReader reader, LladaConfig config, NDManager manager) {
        // Tensors are widened to fp32 in Java and staged as blob-backed arrays; each is copied into native
        // memory owned by the model, then the staging scope releases the blobs so their buffers can be collected.
        try (NDManager staging = manager.newSubManager()) {
            LladaWeights staged = LladaWeights.assemble(config, name -> stage(reader, name, staging), staging);
            LayerWeights[] layers = new LayerWeights[staged.layers().length];
            for (int i = 0; i < layers.length; i++) {
                LayerWeights l = staged.layers()[i];
                layers[i] = new LayerWeights(own(l.attnNorm(), manager), ownT(l.qkvT(), manager),
                        ownT(l.attnOutT(), manager), own(l.ffNorm(), manager), ownT(l.gateUpT(), manager),
                        ownT(l.downT(), manager));
            }
            NDArray embedding = own(staged.embedding(), manager);
            // Tied weights: the head is a transposed view of the embedding, not a second copy.
            NDArray headT = config.weightTying() ? embedding.transpose() : ownT(staged.headT(), manager);
            return new LladaWeights(embedding, layers, own(staged.finalNorm(), manager), headT);
        }
    }

    /** Max elements staged per buffer: a Java buffer cannot exceed 2 GiB (LLaDA-8B's wte is 2.07 GB in fp32). */
    private static final int STAGE_CHUNK_ELEMENTS = 1 << 28;

    /** Stages one tensor as fp32, in row slices when it is too large for one buffer. */
    private static NDArray stage(CheckpointReader reader, String name, NDManager staging) {
        long[] shape = reader.info(name).shape();
        long total = 1;
        for (long s : shape) {
            total *= s;
        }
        if (total <= STAGE_CHUNK_ELEMENTS) {
            return staging.create(reader.readAsF32Direct(name).order(ByteOrder.nativeOrder()), new Shape(shape),
                    DataType.FLOAT32);
        }
        long cols = total / shape[0];
        long rowsPerChunk = Math.max(1, STAGE_CHUNK_ELEMENTS / cols);
        NDList slices = new NDList();
        for (long row = 0; row < shape[0]; row += rowsPerChunk) {
            long rows = Math.min(rowsPerChunk, shape[0] - row);
            ByteBuffer slice = reader.readAsF32Direct(name, row * cols, Math.toIntExact(rows * cols));
            slices.add(staging.create(slice.order(ByteOrder.nativeOrder()), new Shape(rows, cols), DataType.FLOAT32));
        }
        NDArray whole = ai.djl.ndarray.NDArrays.concat(slices, 0).reshape(new Shape(shape));
        slices.close();
        return whole;
    }

    /** A contiguous native copy in {@code target}. */
    private static NDArray own(NDArray a, NDManager target) {
        NDArray copy = a.duplicate();
        copy.attach(target);
        return copy;
    }

    /** Stores a transposed weight [in, out] as the transpose view of a contiguous [out, in] copy (GEMM-friendly). */
    private static NDArray ownT(NDArray transposedView, NDManager target) {
        NDArray contiguous = transposedView.transpose().duplicate();
        contiguous.attach(target);
        NDArray view = contiguous.transpose();
        view.attach(target);
        return view;
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
        return weights.embedding().get(ids.getManager(), new NDIndex("{}", ids));
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
        return rmsNorm(h, w.attnNorm()).matMul(w.qkvT());
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
        NDArray x = h.add(context.matMul(w.attnOutT()));
        return TensorOps.swiGluResidual(x, rmsNorm(x, w.ffNorm()), w.gateUpT(), w.downT());
    }

    /** Output logits [T, embeddingSize] of final-layer rows [T, d]. */
    @Override
    public NDArray logits(NDArray h) {
        return rmsNorm(h, weights.finalNorm()).matMul(weights.headT());
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
            NDArray context = sequences == 1 && keyBias == null
                    ? attend(qkv.q(), keysT(qkv.k()), qkv.v()).context()
                    : attendWithinSequences(qkv, sequences, n, keyBias);
            h = completeBlock(l, h, context);
        }
        return logits(h);
    }

    /** Attention of each sequence's rows over its own keys only: [H, B N, hd] split into [H, B, N, hd]. */
    private NDArray attendWithinSequences(Qkv qkv, int sequences, int n, NDArray keyBias) {
        int hd = config.headDim();
        NDArray q = qkv.q().reshape(config.nHeads(), sequences, n, hd);
        NDArray keysT = qkv.k().reshape(config.nKvHeads(), sequences, n, hd).transpose(0, 1, 3, 2);
        NDArray v = qkv.v().reshape(config.nKvHeads(), sequences, n, hd);
        NDArray scores = q.matMul(expandKv(keysT, q.getManager())).mul(scale);
        NDArray probs = (keyBias == null ? scores : scores.add(keyBias)).softmax(-1);
        NDArray context = probs.matMul(expandKv(v, q.getManager()));
        return context.transpose(1, 2, 0, 3).reshape((long) sequences * n, (long) config.nHeads() * hd);
    }

    @Override
    public void close() {
        manager.close();
    }
}
