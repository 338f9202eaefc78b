package dev.elasticcache.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.elasticcache.checkpoint.CheckpointException;

import java.nio.file.Path;
import java.util.Objects;

import static dev.elasticcache.model.ConfigJson.optBool;
import static dev.elasticcache.model.ConfigJson.optDouble;
import static dev.elasticcache.model.ConfigJson.optInt;
import static dev.elasticcache.model.ConfigJson.present;
import static dev.elasticcache.model.ConfigJson.requiredInt;

/**
 * The LLaDA model hyper-parameters from a Hugging Face {@code config.json} (keys as in LLaDA-8B's config).
 *
 * @param dModel            {@code d_model}
 * @param nHeads            {@code n_heads}
 * @param nKvHeads          {@code n_kv_heads} (default {@code n_heads})
 * @param nLayers           {@code n_layers}
 * @param mlpHiddenSize     {@code mlp_hidden_size} (default {@code mlp_ratio * d_model}, {@code mlp_ratio} default 4)
 * @param vocabSize         {@code vocab_size}
 * @param embeddingSize     {@code embedding_size} (default {@code vocab_size}): rows of wte and of the ff_out head
 * @param ropeTheta         {@code rope_theta} (default 10000)
 * @param rmsNormEps        {@code rms_norm_eps} (default 1e-5)
 * @param maskTokenId       {@code mask_token_id} (default 126336)
 * @param eosTokenId        {@code eos_token_id} (default 126081)
 * @param padTokenId        {@code pad_token_id} (default {@code eos_token_id})
 * @param weightTying       {@code weight_tying} (default false): when true the head reuses wte
 * @param maxSequenceLength {@code max_sequence_length} (default 4096)
 * @param tensorNaming      how the checkpoint names its tensors: {@link LladaTensorNaming#LLAMA} when config.json has
 *                          Llama-style keys ({@code hidden_size}, {@code num_hidden_layers}, ...: LLaDA-V's language model)
 */
public record LladaConfig(
        int dModel,
        int nHeads,
        int nKvHeads,
        int nLayers,
        int mlpHiddenSize,
        int vocabSize,
        int embeddingSize,
        double ropeTheta,
        double rmsNormEps,
        int maskTokenId,
        int eosTokenId,
        int padTokenId,
        boolean weightTying,
        int maxSequenceLength,
        LladaTensorNaming tensorNaming) {

    /** A config of LLaDA's own tensor names. */
    public LladaConfig(int dModel, int nHeads, int nKvHeads, int nLayers, int mlpHiddenSize, int vocabSize,
            int embeddingSize, double ropeTheta, double rmsNormEps, int maskTokenId, int eosTokenId, int padTokenId,
            boolean weightTying, int maxSequenceLength) {
        this(dModel, nHeads, nKvHeads, nLayers, mlpHiddenSize, vocabSize, embeddingSize, ropeTheta, rmsNormEps,
                maskTokenId, eosTokenId, padTokenId, weightTying, maxSequenceLength, LladaTensorNaming.LLADA);
    }

    public static final double DEFAULT_ROPE_THETA = 10000.0;
    public static final double DEFAULT_RMS_NORM_EPS = 1e-5;
    public static final int DEFAULT_MASK_TOKEN_ID = 126336;
    public static final int DEFAULT_EOS_TOKEN_ID = 126081;
    public static final int DEFAULT_MAX_SEQUENCE_LENGTH = 4096;
    public static final int DEFAULT_MLP_RATIO = 4;

    /** Per-head dimension {@code d_model / n_heads}. */
    public int headDim() {
        return dModel / nHeads;
    }

    /** Number of query heads sharing one key/value head ({@code n_heads / n_kv_heads}). */
    public int kvGroupSize() {
        return nHeads / nKvHeads;
    }

    /**
     * Checks the numbers for consistency.
     *
     * @return this
     * @throws IllegalArgumentException with a message naming the config.json key
     */
    public LladaConfig validate() {
        positive("d_model", dModel);
        positive("n_heads", nHeads);
        positive("n_kv_heads", nKvHeads);
        positive("n_layers", nLayers);
        positive("mlp_hidden_size", mlpHiddenSize);
        positive("vocab_size", vocabSize);
        positive("embedding_size", embeddingSize);
        positive("max_sequence_length", maxSequenceLength);
        if (dModel % nHeads != 0) {
            throw new IllegalArgumentException("d_model (" + dModel + ") must be divisible by n_heads (" + nHeads + ")");
        }
        if (headDim() % 2 != 0) {
            throw new IllegalArgumentException("head dimension d_model/n_heads = " + headDim() + " must be even for RoPE");
        }
        if (nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("n_heads (" + nHeads + ") must be divisible by n_kv_heads (" + nKvHeads + ")");
        }
        if (embeddingSize < vocabSize) {
            throw new IllegalArgumentException("embedding_size (" + embeddingSize + ") must be >= vocab_size (" + vocabSize + ")");
        }
        tokenId("mask_token_id", maskTokenId);
        tokenId("eos_token_id", eosTokenId);
        tokenId("pad_token_id", padTokenId);
        if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta must be a positive number, got " + ropeTheta);
        }
        if (!(rmsNormEps > 0) || Double.isInfinite(rmsNormEps)) {
            throw new IllegalArgumentException("rms_norm_eps must be a positive number, got " + rmsNormEps);
        }
        return this;
    }

    private void tokenId(String key, int id) {
        if (id < 0 || id >= embeddingSize) {
            throw new IllegalArgumentException(key + " (" + id + ") must be in [0, embedding_size=" + embeddingSize + ")");
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /**
     * Reads and validates a LLaDA {@code config.json}. Unsupported architecture features (alibi, biases,
     * non-llama blocks, other activations or norms, ...) are rejected with a message naming the key.
     *
     * @throws CheckpointException naming the file and the problem
     */
    public static LladaConfig read(Path configJson) {
        JsonObject root = ConfigJson.readObject(configJson, "a LLaDA model folder");
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates a config object; throws {@link IllegalArgumentException} naming the key. */
    public static LladaConfig fromJson(JsonObject o) {
        if (present(o, "hidden_size") && !present(o, "d_model")) {
            return fromLlamaStyleJson(o);
        }
        checkSupported(o);
        int d = requiredInt(o, "d_model");
        int heads = requiredInt(o, "n_heads");
        int kv = optInt(o, "n_kv_heads", heads);
        int layers = requiredInt(o, "n_layers");
        int mlp;
        if (present(o, "mlp_hidden_size")) {
            mlp = requiredInt(o, "mlp_hidden_size");
        } else {
            double ratio = optDouble(o, "mlp_ratio", DEFAULT_MLP_RATIO);
            double m = ratio * d;
            if (m != Math.rint(m) || m > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("mlp_ratio (" + ratio + ") * d_model (" + d + ") is not an integer; set mlp_hidden_size");
            }
            mlp = (int) m;
        }
        int vocab = requiredInt(o, "vocab_size");
        int emb = optInt(o, "embedding_size", vocab);
        double theta = optDouble(o, "rope_theta", DEFAULT_ROPE_THETA);
        double eps = optDouble(o, "rms_norm_eps", DEFAULT_RMS_NORM_EPS);
        int mask = optInt(o, "mask_token_id", DEFAULT_MASK_TOKEN_ID);
        int eos = optInt(o, "eos_token_id", DEFAULT_EOS_TOKEN_ID);
        int pad = optInt(o, "pad_token_id", eos);
        boolean tying = optBool(o, "weight_tying", false);
        int maxLen = optInt(o, "max_sequence_length", DEFAULT_MAX_SEQUENCE_LENGTH);
        return new LladaConfig(d, heads, kv, layers, mlp, vocab, emb, theta, eps, mask, eos, pad, tying, maxLen).validate();
    }

    /**
     * LLaDA-V's language-model config ({@code train/llada_v_prepare/files/config.json}): Llama-style keys for the
     * same architecture, tensors under Llama-style names; mask id 126336 unless {@code mask_token_id} says otherwise.
     */
    private static LladaConfig fromLlamaStyleJson(JsonObject o) {
        requireString(o, "hidden_act", "silu");
        requireBool(o, "attention_bias", false);
        if (present(o, "rope_scaling")) {
            throw new IllegalArgumentException("unsupported config: rope_scaling = " + o.get("rope_scaling")
                    + "; only null (plain RoPE) is supported");
        }
        int d = requiredInt(o, "hidden_size");
        int heads = requiredInt(o, "num_attention_heads");
        int vocab = requiredInt(o, "vocab_size");
        int eos = optInt(o, "eos_token_id", DEFAULT_EOS_TOKEN_ID);
        return new LladaConfig(d, heads, optInt(o, "num_key_value_heads", heads), requiredInt(o, "num_hidden_layers"),
                requiredInt(o, "intermediate_size"), vocab, vocab, optDouble(o, "rope_theta", DEFAULT_ROPE_THETA),
                optDouble(o, "rms_norm_eps", DEFAULT_RMS_NORM_EPS), optInt(o, "mask_token_id", DEFAULT_MASK_TOKEN_ID),
                eos, optInt(o, "pad_token_id", eos), optBool(o, "tie_word_embeddings", false),
                optInt(o, "max_position_embeddings", DEFAULT_MAX_SEQUENCE_LENGTH), LladaTensorNaming.LLAMA).validate();
    }

    private static void checkSupported(JsonObject o) {
        requireString(o, "block_type", "llama");
        requireString(o, "activation_type", "silu");
        requireString(o, "layer_norm_type", "rms");
        requireBool(o, "alibi", false);
        requireBool(o, "include_bias", false);
        requireBool(o, "include_qkv_bias", false);
        requireBool(o, "bias_for_layer_norm", false);
        requireBool(o, "attention_layer_norm", false);
        requireBool(o, "scale_logits", false);
        requireBool(o, "input_emb_norm", false);
        requireBool(o, "rope", true);
        requireBool(o, "layer_norm_with_affine", true);
        requireBool(o, "multi_query_attention", false);
        if (present(o, "block_group_size") && optInt(o, "block_group_size", 1) != 1) {
            throw new IllegalArgumentException("unsupported config: block_group_size = " + o.get("block_group_size")
                    + "; only 1 is supported");
        }
        if (present(o, "clip_qkv")) {
            throw new IllegalArgumentException("unsupported config: clip_qkv = " + o.get("clip_qkv")
                    + "; only null (no clipping) is supported");
        }
    }

    private static void requireString(JsonObject o, String key, String supported) {
        if (present(o, key)) {
            JsonElement e = o.get(key);
            String v = e.isJsonPrimitive() ? e.getAsString() : e.toString();
            if (!supported.equalsIgnoreCase(v)) {
                throw new IllegalArgumentException("unsupported config: " + key + " = \"" + v + "\"; only \"" + supported
                        + "\" (the LLaDA architecture) is supported");
            }
        }
    }

    private static void requireBool(JsonObject o, String key, boolean supported) {
        if (present(o, key) && optBool(o, key, supported) != supported) {
            throw new IllegalArgumentException("unsupported config: " + key + " = " + !supported + "; only " + supported
                    + " (the LLaDA architecture) is supported");
        }
    }

    /**
     * The full LLaDA-style config.json object for this config (all keys LLaDA-8B's config.json has), or for
     * Llama-style naming the keys of LLaDA-V's language-model config.
     */
    public JsonObject toJson() {
        if (tensorNaming == LladaTensorNaming.LLAMA) {
            return toLlamaStyleJson();
        }
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("LLaDAModelLM");
        o.add("architectures", arch);
        o.addProperty("model_type", "llada");
        o.addProperty("activation_type", "silu");
        o.addProperty("alibi", false);
        o.addProperty("alibi_bias_max", 8.0);
        o.addProperty("attention_dropout", 0.0);
        o.addProperty("attention_layer_norm", false);
        o.addProperty("attention_layer_norm_with_affine", true);
        o.addProperty("bias_for_layer_norm", false);
        o.addProperty("block_group_size", 1);
        o.addProperty("block_type", "llama");
        o.add("clip_qkv", JsonNull.INSTANCE);
        o.addProperty("d_model", dModel);
        o.addProperty("embedding_dropout", 0.0);
        o.addProperty("embedding_size", embeddingSize);
        o.addProperty("eos_token_id", eosTokenId);
        o.addProperty("flash_attention", false);
        o.addProperty("include_bias", false);
        o.addProperty("include_qkv_bias", false);
        o.add("init_cutoff_factor", JsonNull.INSTANCE);
        o.addProperty("init_device", "meta");
        o.addProperty("init_fn", "mitchell");
        o.addProperty("init_std", 0.02);
        o.addProperty("input_emb_norm", false);
        o.addProperty("layer_norm_type", "rms");
        o.addProperty("layer_norm_with_affine", true);
        o.addProperty("mask_token_id", maskTokenId);
        o.addProperty("max_sequence_length", maxSequenceLength);
        o.addProperty("mlp_hidden_size", mlpHiddenSize);
        o.addProperty("mlp_ratio", DEFAULT_MLP_RATIO);
        o.add("multi_query_attention", JsonNull.INSTANCE);
        o.addProperty("n_heads", nHeads);
        o.addProperty("n_kv_heads", nKvHeads);
        o.addProperty("n_layers", nLayers);
        o.addProperty("pad_token_id", padTokenId);
        o.addProperty("precision", "amp_bf16");
        o.addProperty("residual_dropout", 0.0);
        o.addProperty("rms_norm_eps", rmsNormEps);
        o.addProperty("rope", true);
        o.addProperty("rope_full_precision", true);
        o.addProperty("rope_theta", ropeTheta);
        o.addProperty("scale_logits", false);
        o.addProperty("use_cache", false);
        o.addProperty("vocab_size", vocabSize);
        o.addProperty("weight_tying", weightTying);
        return o;
    }

    private JsonObject toLlamaStyleJson() {
        if (embeddingSize != vocabSize) {
            throw new IllegalStateException("a Llama-style config has no embedding_size: embeddingSize must equal vocabSize");
        }
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("LLaDAModelLM");
        o.add("architectures", arch);
        o.addProperty("model_type", "llada");
        o.addProperty("attention_bias", false);
        o.addProperty("eos_token_id", eosTokenId);
        o.addProperty("pad_token_id", padTokenId);
        o.addProperty("mask_token_id", maskTokenId);
        o.addProperty("hidden_act", "silu");
        o.addProperty("hidden_size", dModel);
        o.addProperty("intermediate_size", mlpHiddenSize);
        o.addProperty("max_position_embeddings", maxSequenceLength);
        o.addProperty("num_attention_heads", nHeads);
        o.addProperty("num_hidden_layers", nLayers);
        o.addProperty("num_key_value_heads", nKvHeads);
        o.addProperty("rms_norm_eps", rmsNormEps);
        o.add("rope_scaling", JsonNull.INSTANCE);
        o.addProperty("rope_theta", ropeTheta);
        o.addProperty("tie_word_embeddings", weightTying);
        o.addProperty("vocab_size", vocabSize);
        return o;
    }

    /** Writes {@link #toJson()} pretty-printed to {@code configJson}. */
    public void write(Path configJson) {
        ConfigJson.write(configJson, toJson());
    }

    /** A builder starting from LLaDA-8B-Instruct's values (useful for small test and trainer models). */
    public static Builder builder() {
        return new Builder();
    }

    /** The LLaDA-8B-Instruct configuration (§1.1 of the design notes). */
    public static LladaConfig llada8b() {
        return builder().build();
    }

    /** Mutable builder; defaults are LLaDA-8B-Instruct's. */
    public static final class Builder {
        private int dModel = 4096;
        private int nHeads = 32;
        private Integer nKvHeads;
        private int nLayers = 32;
        private int mlpHiddenSize = 12288;
        private int vocabSize = 126464;
        private Integer embeddingSize;
        private double ropeTheta = 500000.0;
        private double rmsNormEps = DEFAULT_RMS_NORM_EPS;
        private int maskTokenId = DEFAULT_MASK_TOKEN_ID;
        private int eosTokenId = DEFAULT_EOS_TOKEN_ID;
        private Integer padTokenId;
        private boolean weightTying;
        private int maxSequenceLength = DEFAULT_MAX_SEQUENCE_LENGTH;
        private LladaTensorNaming tensorNaming = LladaTensorNaming.LLADA;

        private Builder() {
        }

        public Builder dModel(int v) { dModel = v; return this; }
        public Builder nHeads(int v) { nHeads = v; return this; }
        /** Defaults to n_heads. */
        public Builder nKvHeads(int v) { nKvHeads = v; return this; }
        public Builder nLayers(int v) { nLayers = v; return this; }
        public Builder mlpHiddenSize(int v) { mlpHiddenSize = v; return this; }
        public Builder vocabSize(int v) { vocabSize = v; return this; }
        /** Defaults to vocab_size. */
        public Builder embeddingSize(int v) { embeddingSize = v; return this; }
        public Builder ropeTheta(double v) { ropeTheta = v; return this; }
        public Builder rmsNormEps(double v) { rmsNormEps = v; return this; }
        public Builder maskTokenId(int v) { maskTokenId = v; return this; }
        public Builder eosTokenId(int v) { eosTokenId = v; return this; }
        /** Defaults to eos_token_id. */
        public Builder padTokenId(int v) { padTokenId = v; return this; }
        public Builder weightTying(boolean v) { weightTying = v; return this; }
        public Builder maxSequenceLength(int v) { maxSequenceLength = v; return this; }
        /** Defaults to LLaDA's own names; {@link LladaTensorNaming#LLAMA} for LLaDA-V's language model. */
        public Builder tensorNaming(LladaTensorNaming v) { tensorNaming = v; return this; }

        /** Builds and validates. */
        public LladaConfig build() {
            return new LladaConfig(dModel, nHeads, Objects.requireNonNullElse(nKvHeads, nHeads), nLayers, mlpHiddenSize,
                    vocabSize, Objects.requireNonNullElse(embeddingSize, vocabSize), ropeTheta, rmsNormEps, maskTokenId,
                    eosTokenId, Objects.requireNonNullElse(padTokenId, eosTokenId), weightTying, maxSequenceLength,
                    tensorNaming).validate();
        }
    }
}
