package dev.elasticcache.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tensor names and shapes of a LLaDA checkpoint (Hugging Face layout, PyTorch {@code [out, in]} for linear
 * layers). Names: {@code model.transformer.wte.weight}, {@code model.transformer.ln_f.weight},
 * {@code model.transformer.ff_out.weight} (absent with weight tying) and per block N
 * {@code model.transformer.blocks.N.<part>.weight}.
 */
public final class LladaTensorLayout {

    public static final String PREFIX = "model.transformer.";
    public static final String WTE = PREFIX + "wte.weight";
    public static final String LN_F = PREFIX + "ln_f.weight";
    public static final String LM_HEAD = PREFIX + "ff_out.weight";
    /** Alias of {@link #WTE}: the token embedding [embeddingSize, d]. */
    public static final String EMBEDDING = WTE;
    /** Alias of {@link #LM_HEAD}: the output head [embeddingSize, d]. */
    public static final String HEAD = LM_HEAD;
    /** Alias of {@link #LN_F}: the final RMSNorm weight [d]. */
    public static final String FINAL_NORM = LN_F;

    public static final String Q_PROJ = "q_proj";
    public static final String K_PROJ = "k_proj";
    public static final String V_PROJ = "v_proj";
    public static final String ATTN_OUT = "attn_out";
    /** The gate projection (SiLU branch). */
    public static final String FF_PROJ = "ff_proj";
    /** The linear (up) branch. */
    public static final String UP_PROJ = "up_proj";
    /** The MLP down projection of a block (not the model head). */
    public static final String FF_OUT = "ff_out";
    public static final String ATTN_NORM = "attn_norm";
    public static final String FF_NORM = "ff_norm";

    private LladaTensorLayout() {
    }

    /** {@code model.transformer.blocks.<layer>.} (with the trailing dot). */
    public static String blockPrefix(int layer) {
        return PREFIX + "blocks." + layer + ".";
    }

    /** {@code model.transformer.blocks.<layer>.<part>.weight}. */
    public static String blockWeight(int layer, String part) {
        return blockPrefix(layer) + part + ".weight";
    }

    /**
     * All tensors a checkpoint for {@code config} must have, in a stable order (wte, blocks 0..n-1, ln_f,
     * head), with their shapes, named as {@link LladaConfig#tensorNaming()} says.
     */
    public static Map<String, long[]> expectedShapes(LladaConfig config) {
        long d = config.dModel();
        long hd = config.headDim();
        long q = (long) config.nHeads() * hd;
        long kv = (long) config.nKvHeads() * hd;
        long mlp = config.mlpHiddenSize();
        long emb = config.embeddingSize();
        LladaTensorNaming names = config.tensorNaming();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put(names.embedding(), new long[] {emb, d});
        for (int i = 0; i < config.nLayers(); i++) {
            out.put(names.block(i, ATTN_NORM), new long[] {d});
            out.put(names.block(i, Q_PROJ), new long[] {q, d});
            out.put(names.block(i, K_PROJ), new long[] {kv, d});
            out.put(names.block(i, V_PROJ), new long[] {kv, d});
            out.put(names.block(i, ATTN_OUT), new long[] {d, q});
            out.put(names.block(i, FF_NORM), new long[] {d});
            out.put(names.block(i, FF_PROJ), new long[] {mlp, d});
            out.put(names.block(i, UP_PROJ), new long[] {mlp, d});
            out.put(names.block(i, FF_OUT), new long[] {d, mlp});
        }
        out.put(names.finalNorm(), new long[] {d});
        if (!config.weightTying()) {
            out.put(names.head(), new long[] {emb, d});
        }
        return Collections.unmodifiableMap(out);
    }

    /** Number of parameters of the expected tensors. */
    public static long parameterCount(LladaConfig config) {
        long n = 0;
        for (long[] shape : expectedShapes(config).values()) {
            long p = 1;
            for (long s : shape) {
                p *= s;
            }
            n += p;
        }
        return n;
    }
}
