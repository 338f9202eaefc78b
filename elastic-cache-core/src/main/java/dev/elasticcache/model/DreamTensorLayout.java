package dev.elasticcache.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tensor names and shapes of a Dream checkpoint (Qwen2 layout, PyTorch {@code [out, in]} for linear layers):
 * {@code model.embed_tokens.weight}, {@code model.norm.weight}, {@code lm_head.weight} (absent when the head
 * is tied to the embedding) and per layer N {@code model.layers.N.self_attn.{q,k,v}_proj.{weight,bias}},
 * {@code model.layers.N.self_attn.o_proj.weight}, {@code model.layers.N.mlp.{gate,up,down}_proj.weight},
 * {@code model.layers.N.input_layernorm.weight}, {@code model.layers.N.post_attention_layernorm.weight}.
 */
public final class DreamTensorLayout {

    public static final String EMBEDDING = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String HEAD = "lm_head.weight";

    public static final String Q_PROJ = "self_attn.q_proj";
    public static final String K_PROJ = "self_attn.k_proj";
    public static final String V_PROJ = "self_attn.v_proj";
    public static final String O_PROJ = "self_attn.o_proj";
    /** The SiLU branch of the MLP. */
    public static final String GATE_PROJ = "mlp.gate_proj";
    /** The linear branch of the MLP. */
    public static final String UP_PROJ = "mlp.up_proj";
    public static final String DOWN_PROJ = "mlp.down_proj";
    /** RMSNorm before attention. */
    public static final String INPUT_NORM = "input_layernorm";
    /** RMSNorm before the MLP. */
    public static final String POST_ATTENTION_NORM = "post_attention_layernorm";

    private DreamTensorLayout() {
    }

    /** {@code model.layers.<layer>.} (with the trailing dot). */
    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    /** {@code model.layers.<layer>.<part>.weight}. */
    public static String weight(int layer, String part) {
        return layerPrefix(layer) + part + ".weight";
    }

    /** {@code model.layers.<layer>.<part>.bias}. */
    public static String bias(int layer, String part) {
        return layerPrefix(layer) + part + ".bias";
    }

    /**
     * All tensors a checkpoint for {@code config} must have, in a stable order (embedding, layers 0..n-1,
     * final norm, head), with their shapes.
     */
    public static Map<String, long[]> expectedShapes(DreamConfig config) {
        long d = config.hiddenSize();
        long q = (long) config.numAttentionHeads() * config.headDim();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long mlp = config.intermediateSize();
        long vocab = config.vocabSize();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put(EMBEDDING, new long[] {vocab, d});
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            out.put(weight(i, INPUT_NORM), new long[] {d});
            out.put(weight(i, Q_PROJ), new long[] {q, d});
            out.put(weight(i, K_PROJ), new long[] {kv, d});
            out.put(weight(i, V_PROJ), new long[] {kv, d});
            if (config.attentionBias()) {
                out.put(bias(i, Q_PROJ), new long[] {q});
                out.put(bias(i, K_PROJ), new long[] {kv});
                out.put(bias(i, V_PROJ), new long[] {kv});
            }
            out.put(weight(i, O_PROJ), new long[] {d, q});
            out.put(weight(i, POST_ATTENTION_NORM), new long[] {d});
            out.put(weight(i, GATE_PROJ), new long[] {mlp, d});
            out.put(weight(i, UP_PROJ), new long[] {mlp, d});
            out.put(weight(i, DOWN_PROJ), new long[] {d, mlp});
        }
        out.put(FINAL_NORM, new long[] {d});
        if (!config.tieWordEmbeddings()) {
            out.put(HEAD, new long[] {vocab, d});
        }
        return Collections.unmodifiableMap(out);
    }

    /** Number of parameters of the expected tensors. */
    public static long parameterCount(DreamConfig config) {
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
