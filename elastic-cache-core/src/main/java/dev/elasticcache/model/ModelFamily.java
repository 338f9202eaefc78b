package dev.elasticcache.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The diffusion-LM families this project runs, told apart by a model folder's {@code config.json}
 * ({@code model_type}, {@code architectures}) and by the tensor names of their checkpoints.
 *
 * <ul>
 *   <li>{@link #LLADA}: LLaDA (OLMo-style names {@code model.transformer.*}, {@code model_type "llada"},
 *       {@code architectures ["LLaDAModelLM"]}); row p of the logits predicts position p.</li>
 *   <li>{@link #DREAM}: Dream, DiffuCoder, Dream-Coder (Qwen2 layout {@code model.embed_tokens.weight},
 *       {@code model.layers.N.*}, {@code model_type "Dream"}, {@code architectures ["DreamModel"]}); row p-1 of
 *       the logits predicts position p.</li>
 * </ul>
 */
public enum ModelFamily {
    LLADA("LLaDA", "llada", "LLaDAModelLM", "model.transformer."),
    DREAM("Dream", "dream", "DreamModel", "model.embed_tokens.", "model.layers.", "model.norm.", "lm_head.");

    public static final String CONFIG_FILE = "config.json";
    /** LLaDA-V's model_type: its language model is LLaDA (Llama-style names); the vision tower loads beside it. */
    public static final String LLAVA_LLADA = "llava_llada";

    private final String displayName;
    private final String modelType;
    private final String architecture;
    private final List<String> tensorPrefixes;

    ModelFamily(String displayName, String modelType, String architecture, String... tensorPrefixes) {
        this.displayName = displayName;
        this.modelType = modelType;
        this.architecture = architecture;
        this.tensorPrefixes = List.of(tensorPrefixes);
    }

    /** "LLaDA" or "Dream". */
    public String displayName() {
        return displayName;
    }

    /** The {@code model_type} of the family's config.json, lower case ("llada", "dream"; matched ignoring case). */
    public String modelType() {
        return modelType;
    }

    /** The {@code architectures} entry of the family's config.json ("LLaDAModelLM", "DreamModel"). */
    public String architecture() {
        return architecture;
    }

    /** True when the logits are shifted: position p is predicted by row p-1 (Dream), not by row p (LLaDA). */
    public boolean shiftedLogits() {
        return this == DREAM;
    }

    /** True when {@code tensorName} is laid out the way this family names its tensors. */
    public boolean ownsTensor(String tensorName) {
        for (String prefix : tensorPrefixes) {
            if (tensorName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The supported families as a message fragment: {@code LLaDA (model_type "llada", ...), Dream (...)}. */
    public static String supportedList() {
        List<String> parts = new ArrayList<>();
        for (ModelFamily f : values()) {
            parts.add(f.displayName + " (model_type \"" + f.configModelType() + "\", architectures [\"" + f.architecture + "\"])");
        }
        return String.join(", ", parts);
    }

    /** The model_type as the family's own config.json spells it. */
    private String configModelType() {
        return this == DREAM ? "Dream" : modelType;
    }

    /**
     * The family of a model folder, from its {@code config.json}.
     *
     * @throws CheckpointException naming config.json when it is missing, unreadable or of an unknown family
     *     (the message lists the supported families)
     */
    public static ModelFamily detect(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder + ": model folder does not exist or is not a directory; "
                    + "pass the folder that holds config.json and the .safetensors files");
        }
        Path configJson = folder.resolve(CONFIG_FILE);
        return fromConfig(readConfig(configJson), configJson);
    }

    /**
     * The family a parsed {@code config.json} describes. {@code model_type} decides; {@code architectures}
     * must agree with it, or decides alone when there is no {@code model_type}. A config with neither but
     * with LLaDA's own keys ({@code d_model}, {@code n_heads}) is LLaDA.
     *
     * @param source the file the object came from, for messages
     */
    public static ModelFamily fromConfig(JsonObject config, Path source) {
        String modelType = stringOrNull(config, "model_type", source);
        List<String> architectures = architectures(config, source);
        ModelFamily byType = null;
        if (modelType != null) {
            for (ModelFamily f : values()) {
                if (f.modelType.equalsIgnoreCase(modelType) || f == LLADA && LLAVA_LLADA.equalsIgnoreCase(modelType)) {
                    byType = f;
                }
            }
            if (byType == null) {
                throw unknown(source, "model_type \"" + modelType + "\""
                        + (architectures.isEmpty() ? "" : " and architectures " + architectures));
            }
        }
        ModelFamily byArchitecture = null;
        for (String a : architectures) {
            for (ModelFamily f : values()) {
                // DreamModel, DreamForCausalLM, ...; LLaDAModelLM
                if (a.toLowerCase(Locale.ROOT).startsWith(f.modelType)) {
                    byArchitecture = f;
                }
            }
        }
        if (byType != null) {
            if (byArchitecture != null && byArchitecture != byType) {
                throw new CheckpointException(source + ": config.json contradicts itself: model_type \"" + modelType
                        + "\" is " + byType.displayName + " but architectures " + architectures + " is "
                        + byArchitecture.displayName + "; fix the config.json of the checkpoint");
            }
            return byType;
        }
        if (byArchitecture != null) {
            return byArchitecture;
        }
        if (!architectures.isEmpty()) {
            throw unknown(source, "architectures " + architectures);
        }
        if (config.has("d_model") && config.has("n_heads")) {
            return LLADA;
        }
        throw unknown(source, "no model_type and no architectures");
    }

    /**
     * Checks that the tensors of a checkpoint are named the way this family names them: a Dream folder
     * holding LLaDA tensors (or the reverse) fails naming the file and the tensor.
     *
     * @param configJson the config.json that named the family, for the message
     */
    public void checkTensorNames(CheckpointReader reader, Path configJson) {
        for (String name : reader.tensorNames()) {
            for (ModelFamily other : values()) {
                if (other != this && other.ownsTensor(name) && !ownsTensor(name)) {
                    throw new CheckpointException(reader.fileOf(name) + ": tensor '" + name + "' is named as in a "
                            + other.displayName + " checkpoint, but " + configJson + " says this is a " + displayName
                            + " model (expected names such as '" + exampleTensor() + "'); the weights and config.json"
                            + " do not belong together");
                }
            }
        }
    }

    private String exampleTensor() {
        return this == DREAM ? DreamTensorLayout.EMBEDDING : LladaTensorLayout.EMBEDDING;
    }

    private static CheckpointException unknown(Path source, String what) {
        return new CheckpointException(source + ": unknown model family: config.json has " + what
                + "; supported are " + supportedList()
                + ". Other architectures (for example autoregressive Qwen2 or Llama models) are not diffusion models this library runs");
    }

    /** Reads config.json as a JSON object; every failure names the file. */
    static JsonObject readConfig(Path configJson) {
        return ConfigJson.readObject(configJson, "a model folder");
    }

    private static String stringOrNull(JsonObject o, String key, Path source) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new CheckpointException(source + ": key \"" + key + "\" must be a string, got " + e);
        }
        return e.getAsString();
    }

    private static List<String> architectures(JsonObject o, Path source) {
        JsonElement e = o.get("architectures");
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        if (!e.isJsonArray()) {
            throw new CheckpointException(source + ": key \"architectures\" must be a list of class names, got " + e);
        }
        List<String> out = new ArrayList<>();
        for (JsonElement a : (JsonArray) e) {
            if (a.isJsonPrimitive()) {
                out.add(a.getAsString());
            }
        }
        return out;
    }
}
