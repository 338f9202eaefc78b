package dev.elasticcache.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.hub.DownloadListener;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.DreamTensorLayout;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.model.ModelFamily;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.tokenizer.DreamTokenizer;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.vision.LladaVisionEncoder;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Builds an engine from its configuration: finds the model's folder (a folder, an embedded model, a Hugging Face
 * model), detects the family from {@code config.json}, loads model, tokenizer and (LLaDA-V) vision tower onto the
 * device, and checks that they belong together. What was loaded is closed again when a later part fails.
 */
final class EngineLoader {
    private EngineLoader() {}

    /**
     * The engine of {@code config}'s model (resolved and, for a Hub model, downloaded first); nothing stays allocated
     * on failure and the exception names the file at fault.
     */
    static ElasticCacheEngine load(EngineConfig config, DownloadListener downloads) {
        DjlDefaults.apply();
        long start = System.nanoTime();
        Path folder = ModelLocator.folder(config, downloads);
        boolean embedded = config.embeddedModel() != null;
        // An unknown family fails here, naming config.json and listing the supported families.
        ModelFamily family = embedded ? ModelFamily.LLADA : ModelFamily.detect(folder);
        Device device = resolveDevice(config.device());
        if (family == ModelFamily.DREAM) {
            return loadDream(config, folder, device, start);
        }
        LladaTokenizer tokenizer = LladaTokenizer.open(folder);
        LladaModel model = null;
        LladaVisionEncoder vision = null;
        try {
            model = LladaModel.load(folder, device, config.dtype());
            checkTokenizerMatchesModel(folder, tokenizer, model);
            vision = loadVision(folder, device, config.dtype(), model);
            ModelInfo info = new ModelInfo(config.modelName(), folder, model.config(),
                    LladaTensorLayout.parameterCount(model.config()), deviceName(device),
                    Duration.ofNanos(System.nanoTime() - start),
                    embedded ? EmbeddedModel.card(config.embeddedModel()) : ModelCard.read(folder));
            return new ElasticCacheEngine(model, tokenizer, config, info, InfillSettings.read(folder), vision);
        } catch (RuntimeException | Error e) {
            if (vision != null) {
                vision.close();
            }
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** The vision half of a LLaDA-V folder (config.json names an {@code mm_vision_tower}), else null. */
    private static LladaVisionEncoder loadVision(Path folder, Device device, WeightDtype dtype, LladaModel model) {
        Path configJson = folder.resolve(ModelFamily.CONFIG_FILE);
        if (!dev.elasticcache.model.ConfigJson.readObject(configJson, "a model folder").has("mm_vision_tower")) {
            return null;
        }
        LladaVisionEncoder vision = LladaVisionEncoder.load(folder, device, dtype);
        if (vision.config().textHiddenSize() != model.hiddenSize()) {
            int width = vision.config().textHiddenSize();
            vision.close();
            throw new CheckpointException(configJson + ": the projector writes rows of " + width
                    + " but the language model's width is " + model.hiddenSize() + "; the vision and language halves do not belong together");
        }
        return vision;
    }

    /** A Dream folder: DreamModel, DreamTokenizer and its chat_template; nothing stays allocated on failure. */
    private static ElasticCacheEngine loadDream(EngineConfig config, Path folder, Device device, long start) {
        DreamTokenizer tokenizer = DreamTokenizer.open(folder);
        DreamModel model = null;
        try {
            model = DreamModel.load(folder, device, DreamModel.DEFAULT_MAX_CONTEXT, config.dtype());
            checkTokenizerMatchesModel(folder, tokenizer, model);
            ModelInfo info = new ModelInfo(config.modelName(), folder, null,
                    DreamTensorLayout.parameterCount(model.config()), deviceName(device),
                    Duration.ofNanos(System.nanoTime() - start), ModelCard.read(folder), ModelFamily.DREAM);
            return new ElasticCacheEngine(model, tokenizer, config, info, InfillSettings.read(folder));
        } catch (RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    private static void checkTokenizerMatchesModel(Path folder, DreamTokenizer tokenizer, DreamModel model) {
        Path configJson = folder.resolve(ModelFamily.CONFIG_FILE);
        if (tokenizer.maskTokenId() != model.maskTokenId()) {
            throw new CheckpointException(configJson + ": mask_token_id " + model.maskTokenId() + " disagrees with the"
                    + " tokenizer, where " + DreamTokenizer.MASK_TOKEN + " is " + tokenizer.maskTokenId()
                    + "; use the tokenizer that belongs to this checkpoint");
        }
        if (tokenizer.eosTokenId() != model.eosTokenId()) {
            throw new CheckpointException(configJson + ": eos_token_id " + model.eosTokenId() + " disagrees with the"
                    + " tokenizer, where " + DreamTokenizer.EOS_TOKEN + " is " + tokenizer.eosTokenId()
                    + "; use the tokenizer that belongs to this checkpoint");
        }
        if (tokenizer.vocabSize() > model.logitsWidth()) {
            throw new CheckpointException(folder.resolve(DreamTokenizer.TOKENIZER_FILE) + ": the tokenizer has "
                    + tokenizer.vocabSize() + " tokens but the model's head has only " + model.logitsWidth() + " rows");
        }
    }

    /** Dream answers end at {@code <|endoftext|>} (EOS) and at {@code <|im_end|>} (end of a ChatML turn). */
    static int[] dreamStopIds(DreamModel model, DreamTokenizer tokenizer) {
        return tokenizer.imEndTokenId().isPresent()
                ? new int[] {model.eosTokenId(), tokenizer.imEndTokenId().getAsInt()} : new int[] {model.eosTokenId()};
    }

    private static void checkTokenizerMatchesModel(Path folder, LladaTokenizer tokenizer, LladaModel model) {
        int mask = model.config().maskTokenId();
        if (tokenizer.maskTokenId() != mask) {
            throw new CheckpointException(folder.resolve("config.json") + ": mask_token_id " + mask
                    + " disagrees with tokenizer.json, where <|mdm_mask|> is " + tokenizer.maskTokenId()
                    + "; use the tokenizer that belongs to this checkpoint");
        }
        if (tokenizer.vocabSize() > model.config().embeddingSize()) {
            throw new CheckpointException(folder.resolve("tokenizer.json") + ": the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model's embedding has only " + model.config().embeddingSize() + " rows");
        }
    }

    /** A device as people write it ({@code cpu}, {@code gpu(0)}), not DJL's {@code cpu()}. */
    static String deviceName(Device device) {
        return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : device.getDeviceType();
    }

    private static Device resolveDevice(String device) {
        int gpus = device.equals("cpu") ? 0 : Engine.getEngine("PyTorch").getGpuCount();
        if (device.equals("gpu") && gpus == 0) {
            throw new IllegalStateException("device 'gpu' was requested but DJL's PyTorch engine sees no CUDA device;"
                    + " install a CUDA build of libtorch 2.7.1 and set PYTORCH_LIBRARY_PATH (see README, GPU), or use cpu");
        }
        return gpus > 0 ? Device.gpu() : Device.cpu();
    }
}
