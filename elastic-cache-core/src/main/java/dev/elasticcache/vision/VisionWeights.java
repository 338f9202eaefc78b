package dev.elasticcache.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.TensorInfo;
import dev.elasticcache.model.weights.Linear;
import dev.elasticcache.model.weights.ResidentLinear;
import dev.elasticcache.model.weights.WeightFootprint;
import dev.elasticcache.model.weights.WeightLoader;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vision weights of a LLaDA-V checkpoint in the layout the forward pass uses: Linear weights stored
 * transposed ({@code [in, out]}, as the transpose view of a contiguous {@code [out, in]} copy), q/k/v fused
 * into one matrix. Only the encoder layers the selected hidden state needs are read: LLaDA-V's checkpoint
 * no longer holds the dropped last layer, and {@code post_layernorm} and the pooling head are unused.
 *
 * <p>Every tensor is checked (present, shape) before any is read; BF16/F16 data is widened to float in
 * Java ({@link CheckpointReader#readAsF32Direct}) so no BF16 array ever reaches DJL.
 *
 * @param patchT     patch embedding as a matrix {@code [channels * patch * patch, hidden]}
 * @param patchBias  {@code [hidden]}
 * @param position   {@code [patches, hidden]}
 * @param layers     the encoder layers that run
 * @param projectorT the projector's Linear weights, transposed ({@code [in, out]})
 * @param projectorB the projector's biases
 * @param newline    {@code image_newline} [textHidden]
 */
public record VisionWeights(Linear patch, NDArray patchBias, NDArray position, Layer[] layers, Linear[] projector,
                            NDArray[] projectorB, float[] newline) {

    /** One pre-LayerNorm encoder layer; its matrices are {@link Linear}s (fp32 in memory, or 16-bit mapped). */
    public record Layer(NDArray ln1Weight, NDArray ln1Bias, Linear qkv, NDArray qkvBias, Linear out, NDArray outBias,
                        NDArray ln2Weight, NDArray ln2Bias, Linear fc1, NDArray fc1Bias, Linear fc2, NDArray fc2Bias) {
    }

    /** Expected tensor names and shapes for a config, in reading order. */
    public static Map<String, long[]> expectedShapes(VisionConfig config) {
        SiglipConfig t = config.tower();
        long h = t.hiddenSize();
        long inter = t.intermediateSize();
        long p = t.patchSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(VisionTensors.PATCH_WEIGHT, new long[] {h, t.numChannels(), p, p});
        m.put(VisionTensors.PATCH_BIAS, new long[] {h});
        m.put(VisionTensors.POSITION, new long[] {t.patchesPerTile(), h});
        for (int l = 0; l < config.layersUsed(); l++) {
            String pre = VisionTensors.layer(l);
            m.put(pre + "layer_norm1.weight", new long[] {h});
            m.put(pre + "layer_norm1.bias", new long[] {h});
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                m.put(pre + "self_attn." + proj + ".weight", new long[] {h, h});
                m.put(pre + "self_attn." + proj + ".bias", new long[] {h});
            }
            m.put(pre + "layer_norm2.weight", new long[] {h});
            m.put(pre + "layer_norm2.bias", new long[] {h});
            m.put(pre + "mlp.fc1.weight", new long[] {inter, h});
            m.put(pre + "mlp.fc1.bias", new long[] {inter});
            m.put(pre + "mlp.fc2.weight", new long[] {h, inter});
            m.put(pre + "mlp.fc2.bias", new long[] {h});
        }
        long d = config.textHiddenSize();
        for (int i = 0; i < config.projectorDepth(); i++) {
            m.put(VisionTensors.projector(i, "weight"), new long[] {d, i == 0 ? config.mmHiddenSize() : d});
            m.put(VisionTensors.projector(i, "bias"), new long[] {d});
        }
        m.put(VisionTensors.IMAGE_NEWLINE, new long[] {d});
        return m;
    }

    /**
     * Checks every vision tensor of {@code config} against the checkpoint.
     *
     * @throws CheckpointException naming the file and the tensor
     */
    public static void check(CheckpointReader reader, VisionConfig config) {
        Path where = reader.folder().resolve(reader.isSharded() ? CheckpointReader.INDEX_FILE : CheckpointReader.SINGLE_FILE);
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            if (!reader.contains(name)) {
                throw new CheckpointException(where + ": no tensor named '" + name + "', which the LLaDA-V vision "
                        + describe(name, config) + " needs; the checkpoint is incomplete or its config.json does not match it");
            }
            TensorInfo info = reader.info(name);
            if (!Arrays.equals(info.shape(), e.getValue())) {
                throw new CheckpointException(reader.fileOf(name) + ": tensor '" + name + "' has shape " + info.shapeString()
                        + " but config.json implies " + Arrays.toString(e.getValue()) + " (" + shapeKeys(config)
                        + "); the config does not match the checkpoint");
            }
        }
    }

    private static String describe(String name, VisionConfig config) {
        if (name.startsWith(VisionTensors.TOWER + "encoder.layers.")) {
            return "tower (" + config.layersUsed() + " of its " + config.tower().numLayers() + " encoder layers run)";
        }
        if (name.startsWith(VisionTensors.TOWER)) {
            return "tower";
        }
        if (name.startsWith(VisionTensors.PROJECTOR)) {
            return "projector (" + config.projectorType() + ")";
        }
        return "layout (mm_patch_merge_type " + config.patchMergeType() + ")";
    }

    private static String shapeKeys(VisionConfig c) {
        SiglipConfig t = c.tower();
        return "vision hidden_size=" + t.hiddenSize() + ", intermediate_size=" + t.intermediateSize() + ", patch_size="
                + t.patchSize() + ", image_size=" + t.imageSize() + ", num_channels=" + t.numChannels() + ", mm_hidden_size="
                + c.mmHiddenSize() + ", hidden_size=" + c.textHiddenSize();
    }

    /**
     * Checks and loads the vision weights through {@code loader} (fp32 in memory, or the checkpoint's 16-bit matrices
     * mapped, as the language model's), one matrix at a time; the patch convolution [hidden, c, p, p] is a matrix
     * [hidden, c p p].
     */
    public static VisionWeights load(CheckpointReader reader, VisionConfig config, WeightLoader loader) {
        check(reader, config);
        Layer[] layers = new Layer[config.layersUsed()];
        for (int l = 0; l < layers.length; l++) {
            String pre = VisionTensors.layer(l);
            layers[l] = new Layer(
                    loader.vector(pre + "layer_norm1.weight"), loader.vector(pre + "layer_norm1.bias"),
                    loader.linear(pre + "self_attn.q_proj.weight", pre + "self_attn.k_proj.weight", pre + "self_attn.v_proj.weight"),
                    loader.vector(pre + "self_attn.q_proj.bias", pre + "self_attn.k_proj.bias", pre + "self_attn.v_proj.bias"),
                    loader.linear(pre + "self_attn.out_proj.weight"), loader.vector(pre + "self_attn.out_proj.bias"),
                    loader.vector(pre + "layer_norm2.weight"), loader.vector(pre + "layer_norm2.bias"),
                    loader.linear(pre + "mlp.fc1.weight"), loader.vector(pre + "mlp.fc1.bias"),
                    loader.linear(pre + "mlp.fc2.weight"), loader.vector(pre + "mlp.fc2.bias"));
        }
        Linear[] projector = new Linear[config.projectorDepth()];
        NDArray[] projectorB = new NDArray[config.projectorDepth()];
        for (int i = 0; i < projector.length; i++) {
            projector[i] = loader.linear(VisionTensors.projector(i, "weight"));
            projectorB[i] = loader.vector(VisionTensors.projector(i, "bias"));
        }
        return new VisionWeights(loader.linear(VisionTensors.PATCH_WEIGHT), loader.vector(VisionTensors.PATCH_BIAS),
                loader.array(VisionTensors.POSITION), layers, projector, projectorB,
                reader.readFloats(VisionTensors.IMAGE_NEWLINE));
    }

    /**
     * The forward layout over tensors given by name in checkpoint shapes (a trainer's parameters): transposes are
     * views and q/k/v are concatenated into {@code scope}, so gradients flow back to the named tensors.
     */
    public static VisionWeights assemble(VisionConfig config, java.util.function.Function<String, NDArray> tensor,
            NDManager scope) {
        SiglipConfig t = config.tower();
        Linear patch = ResidentLinear.of(scope, into(scope, tensor.apply(VisionTensors.PATCH_WEIGHT)
                .reshape(t.hiddenSize(), (long) t.numChannels() * t.patchSize() * t.patchSize())));
        Layer[] layers = new Layer[config.layersUsed()];
        for (int l = 0; l < layers.length; l++) {
            String pre = VisionTensors.layer(l);
            java.util.function.Function<String, NDArray> part = name -> tensor.apply(pre + name);
            Linear qkv = ResidentLinear.of(scope, part.apply("self_attn.q_proj.weight"),
                    part.apply("self_attn.k_proj.weight"), part.apply("self_attn.v_proj.weight"));
            NDArray qkvBias = into(scope, NDArrays.concat(new NDList(part.apply("self_attn.q_proj.bias"),
                    part.apply("self_attn.k_proj.bias"), part.apply("self_attn.v_proj.bias")), 0));
            layers[l] = new Layer(part.apply("layer_norm1.weight"), part.apply("layer_norm1.bias"),
                    qkv, qkvBias,
                    ResidentLinear.of(scope, part.apply("self_attn.out_proj.weight")), part.apply("self_attn.out_proj.bias"),
                    part.apply("layer_norm2.weight"), part.apply("layer_norm2.bias"),
                    ResidentLinear.of(scope, part.apply("mlp.fc1.weight")), part.apply("mlp.fc1.bias"),
                    ResidentLinear.of(scope, part.apply("mlp.fc2.weight")), part.apply("mlp.fc2.bias"));
        }
        Linear[] projT = new Linear[config.projectorDepth()];
        NDArray[] projB = new NDArray[config.projectorDepth()];
        for (int i = 0; i < projT.length; i++) {
            projT[i] = ResidentLinear.of(scope, tensor.apply(VisionTensors.projector(i, "weight")));
            projB[i] = tensor.apply(VisionTensors.projector(i, "bias"));
        }
        return new VisionWeights(patch, tensor.apply(VisionTensors.PATCH_BIAS), tensor.apply(VisionTensors.POSITION), layers,
                projT, projB, tensor.apply(VisionTensors.IMAGE_NEWLINE).toFloatArray());
    }

    private static NDArray into(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    /** Where the weights are: fp32 in native memory, or 16-bit mapped. */
    public WeightFootprint footprint() {
        WeightFootprint.Tally t = new WeightFootprint.Tally().add(patch).add(patchBias).add(position);
        for (Layer l : layers) {
            t.add(l.ln1Weight()).add(l.ln1Bias()).add(l.qkv()).add(l.qkvBias()).add(l.out()).add(l.outBias())
                    .add(l.ln2Weight()).add(l.ln2Bias()).add(l.fc1()).add(l.fc1Bias()).add(l.fc2()).add(l.fc2Bias());
        }
        for (int i = 0; i < projector.length; i++) {
            t.add(projector[i]).add(projectorB[i]);
        }
        return t.footprint();
    }
}
