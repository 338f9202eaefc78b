package dev.elasticcache.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.elasticcache.checkpoint.CheckpointException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import static dev.elasticcache.model.ConfigJson.optBool;
import static dev.elasticcache.model.ConfigJson.optDouble;
import static dev.elasticcache.model.ConfigJson.optInt;
import static dev.elasticcache.model.ConfigJson.present;
import static dev.elasticcache.model.ConfigJson.requiredInt;

/**
 * The hyper-parameters of a Dream-family model (Dream, DiffuCoder, Dream-Coder: Qwen2 blocks run
 * bidirectionally) from a Hugging Face {@code config.json}, with the special token ids of
 * {@code generation_config.json} where that file sets them.
 *
 * @param hiddenSize            {@code hidden_size}
 * @param intermediateSize      {@code intermediate_size}
 * @param numHiddenLayers       {@code num_hidden_layers}
 * @param numAttentionHeads     {@code num_attention_heads}
 * @param numKeyValueHeads      {@code num_key_value_heads} (default {@code num_attention_heads})
 * @param headDim               {@code head_dim} (default {@code hidden_size / num_attention_heads})
 * @param ropeTheta             {@code rope_theta} (default 10000)
 * @param rmsNormEps            {@code rms_norm_eps} (default 1e-6)
 * @param vocabSize             {@code vocab_size}: rows of the embedding and of the head (Dream-7B: 152064, of
 *                              which the tokenizer uses 151667)
 * @param tieWordEmbeddings     {@code tie_word_embeddings} (default false): when true the head reuses the embedding
 * @param attentionBias         {@code attention_bias} (default true, Qwen2's q/k/v biases; converted checkpoints may
 *                              set false)
 * @param maxPositionEmbeddings {@code max_position_embeddings} (default 32768)
 * @param maskTokenId           {@code mask_token_id} (default 151666, {@code <|mask|>})
 * @param eosTokenIds           {@code eos_token_id}, one id or a list (default 151643, {@code <|endoftext|>})
 * @param padTokenId            {@code pad_token_id} (default 151643)
 * @param bosTokenId            {@code bos_token_id} (default 151643)
 * @param torchDtype            {@code torch_dtype} ("bfloat16", "float32", ...; null when absent): informational, the
 *                              weights are read in the dtype their safetensors files store and widened to fp32
 */
public record DreamConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double ropeTheta,
        double rmsNormEps,
        int vocabSize,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int maxPositionEmbeddings,
        int maskTokenId,
        List<Integer> eosTokenIds,
        int padTokenId,
        int bosTokenId,
        String torchDtype) {

    public static final String GENERATION_CONFIG_FILE = "generation_config.json";
    public static final double DEFAULT_ROPE_THETA = 10000.0;
    public static final double DEFAULT_RMS_NORM_EPS = 1e-6;
    public static final int DEFAULT_MAX_POSITION_EMBEDDINGS = 32768;
    public static final int DEFAULT_MASK_TOKEN_ID = 151666;
    public static final int DEFAULT_EOS_TOKEN_ID = 151643;
    public static final int DEFAULT_PAD_TOKEN_ID = 151643;
    public static final int DEFAULT_BOS_TOKEN_ID = 151643;
    private static final Set<String> DTYPES = Set.of("float32", "bfloat16", "float16", "float64");

    public DreamConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** The first (or only) {@code eos_token_id}. */
    public int eosTokenId() {
        return eosTokenIds.get(0);
    }

    /** Number of query heads sharing one key/value head ({@code num_attention_heads / num_key_value_heads}). */
    public int kvGroupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /**
     * Checks the numbers for consistency.
     *
     * @return this
     * @throws IllegalArgumentException with a message naming the config.json key
     */
    public DreamConfig validate() {
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head dimension " + headDim + " must be even for RoPE");
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numAttentionHeads
                    + ") must be divisible by num_key_value_heads (" + numKeyValueHeads + ")");
        }
        tokenId("mask_token_id", maskTokenId);
        if (eosTokenIds.isEmpty()) {
            throw new IllegalArgumentException("eos_token_id must name at least one token");
        }
        for (int eos : eosTokenIds) {
            tokenId("eos_token_id", eos);
        }
        tokenId("pad_token_id", padTokenId);
        tokenId("bos_token_id", bosTokenId);
        if (!(ropeTheta > 0) || Double.isInfinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta must be a positive number, got " + ropeTheta);
        }
        if (!(rmsNormEps > 0) || Double.isInfinite(rmsNormEps)) {
            throw new IllegalArgumentException("rms_norm_eps must be a positive number, got " + rmsNormEps);
        }
        if (torchDtype != null && !DTYPES.contains(torchDtype)) {
            throw new IllegalArgumentException("unsupported config: torch_dtype = \"" + torchDtype + "\"; supported are "
                    + "bfloat16, float16, float32 and float64 checkpoints (quantized weights are not)");
        }
        return this;
    }

    private void tokenId(String key, int id) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(key + " (" + id + ") must be in [0, vocab_size=" + vocabSize + ")");
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /**
     * Reads and validates a Dream model folder's {@code config.json}, and its {@code generation_config.json}
     * when there is one: that file's {@code mask_token_id}, {@code eos_token_id}, {@code pad_token_id} and
     * {@code bos_token_id} win over config.json's when they are set (not null), as in Hugging Face generation.
     *
     * @throws CheckpointException naming the file and the key
     */
    public static DreamConfig read(Path folder) {
        Path configJson = folder.resolve(ModelFamily.CONFIG_FILE);
        JsonObject config = ModelFamily.readConfig(configJson);
        ModelFamily family = ModelFamily.fromConfig(config, configJson);
        if (family != ModelFamily.DREAM) {
            throw new CheckpointException(configJson + ": config.json describes a " + family.displayName()
                    + " model, not a Dream model; open it as " + family.displayName());
        }
        Path generationJson = folder.resolve(GENERATION_CONFIG_FILE);
        JsonObject generation = null;
        if (Files.isRegularFile(generationJson)) {
            generation = ModelFamily.readConfig(generationJson);
        }
        DreamConfig base;
        try {
            base = fromJson(config);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(configJson + ": " + e.getMessage(), e);
        }
        if (generation == null) {
            return base;
        }
        try {
            return base.withGenerationConfig(generation);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(generationJson + ": " + e.getMessage() + " (config.json: " + configJson + ")", e);
        }
    }

    /** This config with the token ids a {@code generation_config.json} object sets (null keys are ignored). */
    public DreamConfig withGenerationConfig(JsonObject generation) {
        int mask = optInt(generation, "mask_token_id", maskTokenId);
        List<Integer> eos = present(generation, "eos_token_id") ? idList(generation, "eos_token_id") : eosTokenIds;
        int pad = optInt(generation, "pad_token_id", padTokenId);
        int bos = optInt(generation, "bos_token_id", bosTokenId);
        return new DreamConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                ropeTheta, rmsNormEps, vocabSize, tieWordEmbeddings, attentionBias, maxPositionEmbeddings, mask, eos, pad, bos,
                torchDtype).validate();
    }

    /** Parses and validates a config.json object; throws {@link IllegalArgumentException} naming the key. */
    public static DreamConfig fromJson(JsonObject o) {
        checkSupported(o);
        int hidden = requiredInt(o, "hidden_size");
        int heads = requiredInt(o, "num_attention_heads");
        int kv = optInt(o, "num_key_value_heads", heads);
        int headDim;
        if (present(o, "head_dim")) {
            headDim = requiredInt(o, "head_dim");
        } else {
            if (heads > 0 && hidden % heads != 0) {
                throw new IllegalArgumentException("hidden_size (" + hidden + ") must be divisible by num_attention_heads ("
                        + heads + ") when config.json sets no head_dim");
            }
            headDim = heads > 0 ? hidden / heads : 0;
        }
        int mlp = requiredInt(o, "intermediate_size");
        int layers = requiredInt(o, "num_hidden_layers");
        int vocab = requiredInt(o, "vocab_size");
        double theta = optDouble(o, "rope_theta", DEFAULT_ROPE_THETA);
        double eps = optDouble(o, "rms_norm_eps", DEFAULT_RMS_NORM_EPS);
        boolean tie = optBool(o, "tie_word_embeddings", false);
        boolean bias = optBool(o, "attention_bias", true);
        int maxPos = optInt(o, "max_position_embeddings", DEFAULT_MAX_POSITION_EMBEDDINGS);
        int mask = optInt(o, "mask_token_id", DEFAULT_MASK_TOKEN_ID);
        List<Integer> eos = present(o, "eos_token_id") ? idList(o, "eos_token_id") : List.of(DEFAULT_EOS_TOKEN_ID);
        int pad = optInt(o, "pad_token_id", DEFAULT_PAD_TOKEN_ID);
        int bos = optInt(o, "bos_token_id", DEFAULT_BOS_TOKEN_ID);
        String dtype = null;
        if (present(o, "torch_dtype")) {
            JsonElement e = o.get("torch_dtype");
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new IllegalArgumentException("key \"torch_dtype\" must be a string, got " + e);
            }
            dtype = e.getAsString().toLowerCase(Locale.ROOT);
        }
        return new DreamConfig(hidden, mlp, layers, heads, kv, headDim, theta, eps, vocab, tie, bias, maxPos, mask, eos, pad,
                bos, dtype).validate();
    }

    private static List<Integer> idList(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e.isJsonArray()) {
            List<Integer> ids = new ArrayList<>();
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                JsonObject one = new JsonObject();
                one.add(key, a.get(i));
                if (a.get(i).isJsonNull()) {
                    throw new IllegalArgumentException("key \"" + key + "\" must be an integer or a list of integers, got " + e);
                }
                ids.add(optInt(one, key, 0));
            }
            if (ids.isEmpty()) {
                throw new IllegalArgumentException("key \"" + key + "\" is an empty list");
            }
            return ids;
        }
        return List.of(optInt(o, key, 0));
    }

    private static void checkSupported(JsonObject o) {
        if (present(o, "hidden_act")) {
            JsonElement e = o.get("hidden_act");
            String v = e.isJsonPrimitive() ? e.getAsString() : e.toString();
            if (!"silu".equalsIgnoreCase(v)) {
                throw new IllegalArgumentException("unsupported config: hidden_act = \"" + v
                        + "\"; only \"silu\" (the Qwen2/Dream architecture) is supported");
            }
        }
        if (present(o, "rope_scaling")) {
            JsonElement e = o.get("rope_scaling");
            JsonElement type = e.isJsonObject() ? e.getAsJsonObject().get("rope_type") : null;
            boolean plain = type != null && type.isJsonPrimitive() && "default".equals(type.getAsString());
            if (!plain) {
                throw new IllegalArgumentException("unsupported config: rope_scaling = " + e
                        + "; only null (plain RoPE, as Dream uses) is supported");
            }
        }
        if (optBool(o, "use_sliding_window", false)) {
            throw new IllegalArgumentException("unsupported config: use_sliding_window = true; only full attention"
                    + " (false, as Dream uses) is supported");
        }
        if (present(o, "use_mrope") && optBool(o, "use_mrope", false)) {
            throw new IllegalArgumentException("unsupported config: use_mrope = true; only plain RoPE is supported");
        }
        if (present(o, "quantization_config")) {
            throw new IllegalArgumentException("unsupported config: quantization_config is set; only unquantized"
                    + " float checkpoints are supported");
        }
    }

    /** A Dream-style config.json object for this config (the keys Dream-v0-Instruct-7B's config.json has). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add("DreamModel");
        o.add("architectures", arch);
        o.addProperty("model_type", "Dream");
        o.addProperty("attention_dropout", 0.0);
        if (!attentionBias) {
            o.addProperty("attention_bias", false);
        }
        o.addProperty("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) {
            o.addProperty("eos_token_id", eosTokenId());
        } else {
            JsonArray eos = new JsonArray();
            eosTokenIds.forEach(eos::add);
            o.add("eos_token_id", eos);
        }
        o.addProperty("hidden_act", "silu");
        o.addProperty("hidden_size", hiddenSize);
        if (headDim * numAttentionHeads != hiddenSize) {
            o.addProperty("head_dim", headDim);
        }
        o.addProperty("initializer_range", 0.02);
        o.addProperty("intermediate_size", intermediateSize);
        o.addProperty("mask_token_id", maskTokenId);
        o.addProperty("max_position_embeddings", maxPositionEmbeddings);
        o.addProperty("max_window_layers", numHiddenLayers);
        o.addProperty("num_attention_heads", numAttentionHeads);
        o.addProperty("num_hidden_layers", numHiddenLayers);
        o.addProperty("num_key_value_heads", numKeyValueHeads);
        o.addProperty("pad_token_id", padTokenId);
        o.addProperty("rms_norm_eps", rmsNormEps);
        o.add("rope_scaling", JsonNull.INSTANCE);
        o.addProperty("rope_theta", ropeTheta);
        o.add("sliding_window", JsonNull.INSTANCE);
        o.addProperty("tie_word_embeddings", tieWordEmbeddings);
        if (torchDtype != null) {
            o.addProperty("torch_dtype", torchDtype);
        }
        o.addProperty("use_cache", false);
        o.addProperty("use_sliding_window", false);
        o.addProperty("vocab_size", vocabSize);
        return o;
    }

    /** Writes {@link #toJson()} pretty-printed to {@code configJson}. */
    public void write(Path configJson) {
        ConfigJson.write(configJson, toJson());
    }

    /** A builder starting from Dream-v0-Instruct-7B's values (useful for small test models). */
    public static Builder builder() {
        return new Builder();
    }

    /** The Dream-v0-Instruct-7B configuration (dream.md §1.1). */
    public static DreamConfig dream7b() {
        return builder().build();
    }

    /** Mutable builder; defaults are Dream-v0-Instruct-7B's. */
    public static final class Builder {
        private int hiddenSize = 3584;
        private int intermediateSize = 18944;
        private int numHiddenLayers = 28;
        private int numAttentionHeads = 28;
        private Integer numKeyValueHeads = 4;
        private Integer headDim;
        private double ropeTheta = 1000000.0;
        private double rmsNormEps = DEFAULT_RMS_NORM_EPS;
        private int vocabSize = 152064;
        private boolean tieWordEmbeddings;
        private boolean attentionBias = true;
        private int maxPositionEmbeddings = 131072;
        private int maskTokenId = DEFAULT_MASK_TOKEN_ID;
        private List<Integer> eosTokenIds = List.of(DEFAULT_EOS_TOKEN_ID);
        private int padTokenId = DEFAULT_PAD_TOKEN_ID;
        private int bosTokenId = DEFAULT_BOS_TOKEN_ID;
        private String torchDtype = "bfloat16";

        private Builder() {
        }

        public Builder hiddenSize(int v) { hiddenSize = v; return this; }
        public Builder intermediateSize(int v) { intermediateSize = v; return this; }
        public Builder numHiddenLayers(int v) { numHiddenLayers = v; return this; }
        public Builder numAttentionHeads(int v) { numAttentionHeads = v; return this; }
        public Builder numKeyValueHeads(int v) { numKeyValueHeads = v; return this; }
        /** Defaults to hidden_size / num_attention_heads. */
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder ropeTheta(double v) { ropeTheta = v; return this; }
        public Builder rmsNormEps(double v) { rmsNormEps = v; return this; }
        public Builder vocabSize(int v) { vocabSize = v; return this; }
        public Builder tieWordEmbeddings(boolean v) { tieWordEmbeddings = v; return this; }
        public Builder attentionBias(boolean v) { attentionBias = v; return this; }
        public Builder maxPositionEmbeddings(int v) { maxPositionEmbeddings = v; return this; }
        public Builder maskTokenId(int v) { maskTokenId = v; return this; }
        public Builder eosTokenId(int v) { eosTokenIds = List.of(v); return this; }
        public Builder eosTokenIds(List<Integer> v) { eosTokenIds = List.copyOf(v); return this; }
        public Builder padTokenId(int v) { padTokenId = v; return this; }
        public Builder bosTokenId(int v) { bosTokenId = v; return this; }
        /** "bfloat16", "float32", ... or null. */
        public Builder torchDtype(String v) { torchDtype = v; return this; }

        /** Builds and validates. */
        public DreamConfig build() {
            int heads = numAttentionHeads;
            if (headDim == null && heads > 0 && hiddenSize % heads != 0) {
                throw new IllegalArgumentException("hidden_size (" + hiddenSize + ") must be divisible by num_attention_heads ("
                        + heads + ") when no head_dim is set");
            }
            int hd = headDim != null ? headDim : (heads > 0 ? hiddenSize / heads : 0);
            return new DreamConfig(hiddenSize, intermediateSize, numHiddenLayers, heads,
                    Objects.requireNonNullElse(numKeyValueHeads, heads), hd, ropeTheta, rmsNormEps, vocabSize,
                    tieWordEmbeddings, attentionBias, maxPositionEmbeddings, maskTokenId, eosTokenIds, padTokenId, bosTokenId,
                    torchDtype).validate();
        }
    }
}
