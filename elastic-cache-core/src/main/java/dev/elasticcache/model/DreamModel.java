package dev.elasticcache.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.DreamCheckpoint;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.model.weights.WeightFootprint;
import dev.elasticcache.model.weights.WeightLoader;
import dev.elasticcache.model.weights.WeightStorage;
import java.nio.file.Path;

/**
 * The Dream transformer (Qwen2 blocks: GQA with q/k/v biases, split-half RoPE, RMSNorm, SiLU MLP) run
 * bidirectionally with no mask, on DJL's PyTorch engine (dream.md §1.3).
 *
 * <p>As in {@link LladaModel}, the forward is exposed as building blocks ({@link #embed}, {@link #project},
 * {@link #attend}, {@link #completeBlock}, {@link #logits}) so that a decoder can run any subset of rows at
 * their absolute positions over cached keys and values; {@link #forward} chains them over a whole sequence
 * and is the cache-free reference. The differences from LLaDA: q/k/v carry biases, attention scores are
 * <em>divided</em> by sqrt(head_dim) (the reference code's rounding), and the logits are <em>shifted</em>:
 * position p is predicted by row p-1 ({@link #shift}, {@link #forwardShifted}).
 *
 * <p>Every intermediate result is owned by the manager of the caller's input arrays, so a caller frees a
 * step's native memory by closing one scope.
 */
public final class DreamModel implements DiffusionModel {
    /** Longest sequence the RoPE tables are built for unless the config allows fewer positions. */
    public static final int DEFAULT_MAX_CONTEXT = 16384;

    private final DreamConfig config;
    private final DreamWeights weights;
    private final RotaryEmbedding rope;
    private final NDManager manager;
    private final int maxContext;
    /** sqrt(hd) as a model-owned tensor: scores are divided by it, as the reference attention does. */
    private final NDArray sqrtHeadDim;

    /** Wraps weights that already live in {@code manager}; closing the model closes that manager. */
    public DreamModel(DreamConfig config, DreamWeights weights, NDManager manager) {
        this(config, weights, manager, DEFAULT_MAX_CONTEXT);
    }

    /**
     * Wraps weights that already live in {@code manager}, with RoPE tables for
     * {@code min(maxContext, max_position_embeddings)} positions.
     */
    public DreamModel(DreamConfig config, DreamWeights weights, NDManager manager, int maxContext) {
        if (maxContext < 1) {
            throw new IllegalArgumentException("maxContext must be positive, got " + maxContext);
        }
        this.config = config;
        this.weights = weights;
        this.manager = manager;
        this.maxContext = Math.min(maxContext, config.maxPositionEmbeddings());
        this.rope = new RotaryEmbedding(manager, config.headDim(), config.ropeTheta(), this.maxContext);
        this.sqrtHeadDim = manager.create((float) Math.sqrt(config.headDim()));
    }

    /** Loads a Dream checkpoint folder onto the CPU ({@link WeightDtype#AUTO}). */
    public static DreamModel load(Path folder) {
        return load(folder, Device.cpu());
    }

    /** Loads a Dream checkpoint folder onto {@code device} ({@link WeightDtype#AUTO}). */
    public static DreamModel load(Path folder, Device device) {
        return load(folder, device, DEFAULT_MAX_CONTEXT, WeightDtype.AUTO);
    }

    /** Loads a Dream checkpoint folder onto {@code device} with RoPE tables for {@code maxContext} positions. */
    public static DreamModel load(Path folder, Device device, int maxContext) {
        return load(folder, device, maxContext, WeightDtype.AUTO);
    }

    /**
     * Loads a Dream checkpoint folder onto {@code device}, one matrix at a time, keeping the weights as
     * {@code dtype} says, with RoPE tables for {@code maxContext} positions; nothing stays allocated on failure.
     */
    public static DreamModel load(Path folder, Device device, int maxContext, WeightDtype dtype) {
        DjlDefaults.apply();
        try (DreamCheckpoint checkpoint = DreamCheckpoint.open(folder)) {
            WeightStorage storage = MemoryBudget.storage(dtype, checkpoint.reader(), MemoryBudget.totalMemory());
            NDManager manager = NDManager.newBaseManager(device);
            try {
                DreamConfig config = checkpoint.config();
                DreamWeights weights = DreamWeights.load(config, new WeightLoader(checkpoint.reader(), manager, storage));
                return new DreamModel(config, weights, manager, maxContext);
            } catch (RuntimeException | Error e) {
                manager.close();
                throw e;
            }
        }
    }

    public DreamConfig config() {
        return config;
    }

    public DreamWeights weights() {
        return weights;
    }

    @Override
    public WeightFootprint weightFootprint() {
        return weights.footprint(config.tieWordEmbeddings());
    }

    /** The family of this model: {@link ModelFamily#DREAM} (shifted logits: row p-1 predicts position p). */
    @Override
    public ModelFamily family() {
        return ModelFamily.DREAM;
    }

    /** The op-by-op blocks themselves: Dream has no separately fused path yet. */
    @Override
    public ForwardBlocks fused() {
        return this;
    }

    @Override
    public int layers() {
        return config.numHiddenLayers();
    }

    @Override
    public int heads() {
        return config.numAttentionHeads();
    }

    @Override
    public int kvHeads() {
        return config.numKeyValueHeads();
    }

    @Override
    public int headDim() {
        return config.headDim();
    }

    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    @Override
    public int mlpHiddenSize() {
        return config.intermediateSize();
    }

    @Override
    public int logitsWidth() {
        return config.vocabSize();
    }

    @Override
    public int maskTokenId() {
        return config.maskTokenId();
    }

    @Override
    public int eosTokenId() {
        return config.eosTokenId();
    }

    /** {@link #maxContext()}. */
    @Override
    public int maxLength() {
        return maxContext;
    }

    /** The manager that owns the weights; callers open their scopes under it. */
    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    /** Number of positions the RoPE tables cover: sequences must be at most this long. */
    public int maxContext() {
        return maxContext;
    }

    /** Token embeddings [T, d] of int64 ids [T] (no scaling); owned by the ids' manager. */
    @Override
    public NDArray embed(NDArray ids) {
        return weights.embedding().rows(ids);
    }

    /** RMSNorm over the last axis in fp32: {@code x / sqrt(mean(x^2) + eps) * w}. */
    public NDArray rmsNorm(NDArray x, NDArray weight) {
        return TensorOps.rmsNorm(x, weight, config.rmsNormEps());
    }

    /** RoPE tables for the given int64 absolute positions [T], each below {@link #maxContext()}. */
    @Override
    public NDList ropeTables(NDArray positions) {
        return rope.tables(positions);
    }

    /** Normalised layer inputs h [T, d] times the fused q/k/v weights, plus the biases: [T, (H + 2 Hkv) hd]. */
    @Override
    public NDArray qkvRows(int layer, NDArray h) {
        DreamLayerWeights w = weights.layers()[layer];
        NDArray qkv = w.qkv().apply(rmsNorm(h, w.inputNorm()));
        return w.qkvBias() == null ? qkv : qkv.add(w.qkvBias());
    }

    /** q [H, T, hd], k and v [Hkv, T, hd] of {@link #qkvRows}, q and k rotated at the rows' positions (RoPE after the biases). */
    @Override
    public Qkv qkvHeads(NDArray qkv, NDList ropeTables) {
        return TensorOps.qkvHeads(qkv, config.numAttentionHeads(), config.numKeyValueHeads(), config.headDim(), rope, ropeTables);
    }

    /**
     * Bidirectional attention of query heads over a full key/value set, with no mask; query head h reads
     * key/value head h / (H / Hkv). Results belong to the manager of {@code q}.
     *
     * @param q [H, T, hd]
     * @param keysT keys transposed, [Hkv, hd, N] ({@link LladaModel#keysT} of fresh keys, or a cache in that layout)
     * @param v [Hkv, N, hd]
     * @return the context [T, H hd] and the probabilities [H, T, N]
     */
    @Override
    public AttentionOutput attend(NDArray q, NDArray keysT, NDArray v) {
        NDArray probs = attentionProbs(q, keysT);
        NDArray context = probs.matMul(expandKv(v, q.getManager()));
        long rows = q.getShape().get(1);
        return new AttentionOutput(
                context.transpose(1, 0, 2).reshape(rows, (long) config.numAttentionHeads() * config.headDim()), probs);
    }

    /** Attention probabilities [H, T, N]: {@code softmax((q K^T) / sqrt(hd))} in fp32. */
    @Override
    public NDArray attentionProbs(NDArray q, NDArray keysT) {
        return q.matMul(expandKv(keysT, q.getManager())).div(sqrtHeadDim).softmax(-1);
    }

    /** Repeats each KV head for its group of query heads (GQA); identity when there is one query head per KV head. */
    private NDArray expandKv(NDArray kv, NDManager scope) {
        return TensorOps.repeatKv(kv, config.kvGroupSize(), scope);
    }

    /**
     * The rest of a block after attention: residual add of o_proj, then the SiLU MLP with its residual.
     *
     * @param layer block index
     * @param h the block's input rows [T, d]
     * @param context the attention context of the same rows [T, H hd]
     * @return the block's output rows [T, d]
     */
    @Override
    public NDArray completeBlock(int layer, NDArray h, NDArray context) {
        DreamLayerWeights w = weights.layers()[layer];
        NDArray x = h.add(w.o().apply(context));
        return TensorOps.swiGluResidual(x, rmsNorm(x, w.postNorm()), w.gateUp(), w.down());
    }

    /** Output logits [T, vocab] of final-layer rows [T, d] (not shifted: row t is the head applied at t). */
    @Override
    public NDArray logits(NDArray h) {
        return weights.head().apply(rmsNorm(h, weights.finalNorm()));
    }

    /**
     * Cache-free reference forward of a whole sequence at positions 0..N-1, unshifted.
     *
     * @param ids int64 token ids [N], N at most {@link #maxContext()}
     * @return logits [N, vocab]: row t is the model's output at t, which predicts position t+1; owned by the
     *     ids' manager
     */
    @Override
    public NDArray forward(NDArray ids) {
        NDManager scope = ids.getManager();
        int n = Math.toIntExact(ids.getShape().get(0));
        if (n > maxContext) {
            throw new IllegalArgumentException("sequence of " + n + " tokens is longer than the " + maxContext
                    + " positions this model was loaded for (max_position_embeddings " + config.maxPositionEmbeddings()
                    + "); load it with a larger maxContext");
        }
        NDList tables = ropeTables(TensorOps.range(scope, n));
        NDArray h = embed(ids);
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            Qkv qkv = project(l, h, tables);
            h = completeBlock(l, h, attend(qkv.q(), LladaModel.keysT(qkv.k()), qkv.v()).context());
        }
        return logits(h);
    }

    /**
     * The forward with Dream's logits shift applied: row p holds the logits that predict position p (the
     * model's output at p-1); row 0 keeps its own output (position 0 is a prompt token and never decoded).
     *
     * @param ids int64 token ids [N], N at least 1
     * @return shifted logits [N, vocab], owned by the ids' manager
     */
    public NDArray forwardShifted(NDArray ids) {
        return shift(forward(ids));
    }

    /**
     * Dream's shift of logits rows, {@code cat(logits[:1], logits[:-1])}: row p of the result is row p-1 of
     * {@code logits}, row 0 stays. Owned by the manager of {@code logits}.
     *
     * @param logits [N, vocab]
     */
    public static NDArray shift(NDArray logits) {
        Shape s = logits.getShape();
        long n = s.get(0);
        if (n <= 1) {
            return logits.duplicate();
        }
        return logits.get(new NDIndex("0:1")).concat(logits.get(new NDIndex("0:" + (n - 1))), 0);
    }

    @Override
    public void close() {
        manager.close();
    }
}
