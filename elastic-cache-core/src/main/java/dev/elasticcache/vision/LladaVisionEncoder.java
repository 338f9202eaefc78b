package dev.elasticcache.vision;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.model.weights.WeightFootprint;
import dev.elasticcache.model.weights.WeightLoader;
import dev.elasticcache.model.weights.WeightStorage;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The vision half of LLaDA-V: image in, the embedding rows that replace the {@code <image>} placeholder out.
 * Loads the SigLIP tower, the projector and {@code image_newline} from a LLaDA-V checkpoint folder
 * (config.json plus {@code model.safetensors} or sharded {@code model-*.safetensors} with the index; F32,
 * F16 or BF16), then per image: {@link AnyresPreprocessor anyres tiling}, the {@link SiglipVisionTower tower}
 * and the {@link MlpProjector projector} tile batch by tile batch, and the {@link SpatialUnpad} layout.
 *
 * <p>The language model is not loaded here. Thread safe; close to free the native weights.
 */
public final class LladaVisionEncoder implements AutoCloseable {

    /** Tiles per forward pass: bounds the attention scores' memory (16 heads x 729^2 floats = 34 MB per tile). */
    public static final int TILES_PER_BATCH = 4;

    private final VisionConfig config;
    private final VisionWeights weights;
    private final NDManager manager;
    private final SiglipVisionTower tower;
    private final MlpProjector projector;
    private final AnyresPreprocessor preprocessor;

    private LladaVisionEncoder(VisionConfig config, VisionWeights weights, NDManager manager) {
        this.config = config;
        this.weights = weights;
        this.manager = manager;
        this.tower = new SiglipVisionTower(config, weights);
        this.projector = new MlpProjector(weights);
        this.preprocessor = AnyresPreprocessor.of(config);
    }

    /** Loads onto the CPU ({@link WeightDtype#AUTO}). */
    public static LladaVisionEncoder load(Path folder) {
        return load(folder, Device.cpu(), WeightDtype.AUTO);
    }

    /**
     * Loads the vision weights of a LLaDA-V folder onto {@code device}, kept as {@code dtype} says (decided over the
     * whole checkpoint, so as the language model's); nothing stays allocated if it fails.
     *
     * @throws dev.elasticcache.checkpoint.CheckpointException naming the file and the key or tensor
     */
    public static LladaVisionEncoder load(Path folder, Device device, WeightDtype dtype) {
        DjlDefaults.apply();
        VisionConfig config = VisionConfig.read(folder.resolve("config.json"));
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            VisionWeights.check(reader, config);
            WeightStorage storage = MemoryBudget.storage(dtype, reader, MemoryBudget.totalMemory());
            NDManager manager = NDManager.newBaseManager(device);
            try {
                return new LladaVisionEncoder(config, VisionWeights.load(reader, config, new WeightLoader(reader, manager, storage)),
                        manager);
            } catch (RuntimeException | Error e) {
                manager.close();
                throw e;
            }
        }
    }

    public VisionConfig config() {
        return config;
    }

    /** Where the tower's and projector's weights are. */
    public WeightFootprint footprint() {
        return weights.footprint();
    }

    public SiglipVisionTower tower() {
        return tower;
    }

    public MlpProjector projector() {
        return projector;
    }

    public AnyresPreprocessor preprocessor() {
        return preprocessor;
    }

    /** The manager that owns the weights. */
    public NDManager manager() {
        return manager;
    }

    /** The {@code image_newline} vector (a copy). */
    public float[] imageNewline() {
        return weights.newline().clone();
    }

    /** Reads a PNG or JPEG file and encodes it. */
    public ImageEmbedding encode(Path imageFile) {
        return encode(ImageFiles.read(imageFile));
    }

    /** Encodes one image into its embedding rows. */
    public ImageEmbedding encode(RgbImage image) {
        AnyresPreprocessor.Tiles tiles = preprocessor.preprocess(image);
        float[] features = projectTiles(tiles.pixels(), tiles.tiles());
        return SpatialUnpad.arrange(features, tiles.cols(), tiles.rows(), config.tokensPerSide(), config.textHiddenSize(),
                tiles.imageWidth(), tiles.imageHeight(), config.maxNumPatches(), weights.newline());
    }

    /**
     * Tower + projector over preprocessed tiles.
     *
     * @param pixels {@code [tiles, 3, S, S]} normalised pixels
     * @return {@code [tiles, patches, textHidden]} projected features
     */
    public float[] projectTiles(float[] pixels, int tileCount) {
        SiglipConfig t = config.tower();
        int perTile = t.numChannels() * t.imageSize() * t.imageSize();
        if ((long) perTile * tileCount != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel values are not " + tileCount + " tiles of " + perTile);
        }
        int outPerTile = t.patchesPerTile() * config.textHiddenSize();
        float[] out = new float[Math.multiplyExact(outPerTile, tileCount)];
        for (int start = 0; start < tileCount; start += TILES_PER_BATCH) {
            int n = Math.min(TILES_PER_BATCH, tileCount - start);
            try (NDManager scope = manager.newSubManager()) {
                NDArray px = scope.create(Arrays.copyOfRange(pixels, start * perTile, (start + n) * perTile),
                        new Shape(n, t.numChannels(), t.imageSize(), t.imageSize()));
                float[] part = projector.forward(tower.forward(px)).toFloatArray();
                System.arraycopy(part, 0, out, start * outPerTile, part.length);
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
