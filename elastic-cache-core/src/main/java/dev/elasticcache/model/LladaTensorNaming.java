package dev.elasticcache.model;

import java.util.Map;

/**
 * How a LLaDA checkpoint names its tensors. LLaDA-8B/1.5 keep OLMo's names ({@code model.transformer.wte},
 * {@code blocks.N.q_proj}, ...); LLaDA-V's language model has the same tensors under Llama-style names
 * ({@code model.embed_tokens}, {@code model.layers.N.self_attn.q_proj}, ...), renamed one to one by its
 * {@code rename_checkpoint.py}, with a Llama-style config.json ({@code hidden_size}, {@code num_hidden_layers}).
 */
public enum LladaTensorNaming {
    /** LLaDA's own names. */
    LLADA,
    /** Llama-style names (LLaDA-V's language model). */
    LLAMA;

    /** LLaDA's block part names and their Llama-style counterparts. */
    private static final Map<String, String> LLAMA_PARTS = Map.of(
            LladaTensorLayout.Q_PROJ, "self_attn.q_proj",
            LladaTensorLayout.K_PROJ, "self_attn.k_proj",
            LladaTensorLayout.V_PROJ, "self_attn.v_proj",
            LladaTensorLayout.ATTN_OUT, "self_attn.o_proj",
            LladaTensorLayout.FF_PROJ, "mlp.gate_proj",
            LladaTensorLayout.UP_PROJ, "mlp.up_proj",
            LladaTensorLayout.FF_OUT, "mlp.down_proj",
            LladaTensorLayout.ATTN_NORM, "input_layernorm",
            LladaTensorLayout.FF_NORM, "post_attention_layernorm");

    /** The token embedding. */
    public String embedding() {
        return this == LLADA ? LladaTensorLayout.WTE : "model.embed_tokens.weight";
    }

    /** The untied output head. */
    public String head() {
        return this == LLADA ? LladaTensorLayout.LM_HEAD : "lm_head.weight";
    }

    /** The final RMSNorm. */
    public String finalNorm() {
        return this == LLADA ? LladaTensorLayout.LN_F : "model.norm.weight";
    }

    /** The weight of block {@code layer}'s {@code part}, a part named as LLaDA names it ({@code q_proj}, {@code ff_out}, ...). */
    public String block(int layer, String part) {
        if (this == LLADA) {
            return LladaTensorLayout.blockWeight(layer, part);
        }
        String mapped = LLAMA_PARTS.get(part);
        if (mapped == null) {
            throw new IllegalArgumentException("no LLaDA block part '" + part + "'");
        }
        return "model.layers." + layer + "." + mapped + ".weight";
    }
}
