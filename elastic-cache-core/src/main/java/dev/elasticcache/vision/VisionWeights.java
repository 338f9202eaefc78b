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
public record VisionWeights(NDArray patchT, NDArray patchBias, NDArray position, Layer[] layers, NDArray[] projectorT,
                            NDArray[] projectorB, float[] newline) {

    /** One pre-LayerNorm encoder layer. */
    public record Layer(NDArray ln1Weight, NDArray ln1Bias, NDArray qkvT, NDArray qkvBias, NDArray outT, NDArray outBias,
                        NDArray ln2Weight, NDArray ln2Bias, NDArray fc1T, NDArray fc1Bias, NDArray fc2T, NDArray fc2Bias) {
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
     * Checks and loads the vision weights into {@code manager}; nothing stays allocated in it if loading fails
     * part way (the caller closes the manager).
     */
    public static VisionWeights load(CheckpointReader reader, VisionConfig config, NDManager manager) {
        check(reader, config);
        SiglipConfig t = config.tower();
        int h = t.hiddenSize();
        NDArray patchT;
        NDArray patchBias;
        NDArray position;
        try (NDManager staging = manager.newSubManager()) {
            NDArray conv = stage(reader, VisionTensors.PATCH_WEIGHT, staging)
                    .reshape(new Shape(h, (long) t.numChannels() * t.patchSize() * t.patchSize()));
            patchT = ownT(conv, manager);
            patchBias = own(stage(reader, VisionTensors.PATCH_BIAS, staging), manager);
            position = own(stage(reader, VisionTensors.POSITION, staging), manager);
        }
        Layer[] layers = new Layer[config.layersUsed()];
        for (int l = 0; l < layers.length; l++) {
            String pre = VisionTensors.layer(l);
            try (NDManager s = manager.newSubManager()) {
                NDArray qkv = NDArrays.concat(new NDList(
                        stage(reader, pre + "self_attn.q_proj.weight", s),
                        stage(reader, pre + "self_attn.k_proj.weight", s),
                        stage(reader, pre + "self_attn.v_proj.weight", s)), 0);
                NDArray qkvBias = NDArrays.concat(new NDList(
                        stage(reader, pre + "self_attn.q_proj.bias", s),
                        stage(reader, pre + "self_attn.k_proj.bias", s),
                        stage(reader, pre + "self_attn.v_proj.bias", s)), 0);
                layers[l] = new Layer(
                        own(stage(reader, pre + "layer_norm1.weight", s), manager),
                        own(stage(reader, pre + "layer_norm1.bias", s), manager),
                        ownT(qkv, manager),
                        own(qkvBias, manager),
                        ownT(stage(reader, pre + "self_attn.out_proj.weight", s), manager),
                        own(stage(reader, pre + "self_attn.out_proj.bias", s), manager),
                        own(stage(reader, pre + "layer_norm2.weight", s), manager),
                        own(stage(reader, pre + "layer_norm2.bias", s), manager),
                        ownT(stage(reader, pre + "mlp.fc1.weight", s), manager),
                        own(stage(reader, pre + "mlp.fc1.bias", s), manager),
                        ownT(stage(reader, pre + "mlp.fc2.weight", s), manager),
                        own(stage(reader, pre + "mlp.fc2.bias", s), manager));
            }
        }
        List<NDArray> projT = new ArrayList<>();
        List<NDArray> projB = new ArrayList<>();
        try (NDManager s = manager.newSubManager()) {
            for (int i = 0; i < config.projectorDepth(); i++) {
                projT.add(ownT(stage(reader, VisionTensors.projector(i, "weight"), s), manager));
                projB.add(own(stage(reader, VisionTensors.projector(i, "bias"), s), manager));
            }
        }
        float[] newline = reader.readFloats(VisionTensors.IMAGE_NEWLINE);
        return new VisionWeights(patchT, patchBias, position, layers, projT.toArray(NDArray[]::new),
                projB.toArray(NDArray[]::new), newline);
    }

    /**
     * The forward layout over tensors given by name in checkpoint shapes (a trainer's parameters): transposes are
     * views and q/k/v are concatenated into {@code scope}, so gradients flow back to the named tensors.
     */
    public static VisionWeights assemble(VisionConfig config, java.util.function.Function<String, NDArray> tensor,
            NDManager scope) {
        SiglipConfig t = config.tower();
        NDArray patchT = into(scope, tensor.apply(VisionTensors.PATCH_WEIGHT)
                .reshape(t.hiddenSize(), (long) t.numChannels() * t.patchSize() * t.patchSize()).transpose());
        Layer[] layers = new Layer[config.layersUsed()];
        for (int l = 0; l < layers.length; l++) {
            String pre = VisionTensors.layer(l);
            java.util.function.Function<String, NDArray> part = name -> tensor.apply(pre + name);
            NDArray qkv = into(scope, NDArrays.concat(new NDList(part.apply("self_attn.q_proj.weight"),
                    part.apply("self_attn.k_proj.weight"), part.apply("self_attn.v_proj.weight")), 0));
            NDArray qkvBias = into(scope, NDArrays.concat(new NDList(part.apply("self_attn.q_proj.bias"),
                    part.apply("self_attn.k_proj.bias"), part.apply("self_attn.v_proj.bias")), 0));
            layers[l] = new Layer(part.apply("layer_norm1.weight"), part.apply("layer_norm1.bias"),
                    into(scope, qkv.transpose()), qkvBias,
                    into(scope, part.apply("self_attn.out_proj.weight").transpose()), part.apply("self_attn.out_proj.bias"),
                    part.apply("layer_norm2.weight"), part.apply("layer_norm2.bias"),
                    into(scope, part.apply("mlp.fc1.weight").transpose()), part.apply("mlp.fc1.bias"),
                    into(scope, part.apply("mlp.fc2.weight").transpose()), part.apply("mlp.fc2.bias"));
        }
        NDArray[] projT = new NDArray[config.projectorDepth()];
        NDArray[] projB = new NDArray[config.projectorDepth()];
        for (int i = 0; i < projT.length; i++) {
            projT[i] = into(scope, tensor.apply(VisionTensors.projector(i, "weight")).transpose());
            projB[i] = tensor.apply(VisionTensors.projector(i, "bias"));
        }
        return new VisionWeights(patchT, tensor.apply(VisionTensors.PATCH_BIAS), tensor.apply(VisionTensors.POSITION), layers,
                projT, projB, tensor.apply(VisionTensors.IMAGE_NEWLINE).toFloatArray());
    }

    private static NDArray into(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    /** The tensor as fp32 (widened in Java), backed by a direct buffer owned by {@code staging}. */
    private static NDArray stage(CheckpointReader reader, String name, NDManager staging) {
        long[] shape = reader.info(name).shape();
        return staging.create(reader.readAsF32Direct(name).order(ByteOrder.nativeOrder()), new Shape(shape), DataType.FLOAT32);
    }

    /** A contiguous native copy in {@code target}. */
    private static NDArray own(NDArray a, NDManager target) {
        NDArray copy = a.duplicate();
        copy.attach(target);
        return copy;
    }

    /** {@code [out, in]} stored contiguously in {@code target}; returns its {@code [in, out]} transpose view. */
    private static NDArray ownT(NDArray outIn, NDManager target) {
        NDArray contiguous = outIn.duplicate();
        contiguous.attach(target);
        NDArray view = contiguous.transpose();
        view.attach(target);
        return view;
    }

    /** Every native array, for counting or freeing. */
    public NDList arrays() {
        NDList all = new NDList(patchT, patchBias, position);
        for (Layer l : layers) {
            all.addAll(new NDList(l.ln1Weight(), l.ln1Bias(), l.qkvT(), l.qkvBias(), l.outT(), l.outBias(), l.ln2Weight(),
                    l.ln2Bias(), l.fc1T(), l.fc1Bias(), l.fc2T(), l.fc2Bias()));
        }
        for (int i = 0; i < projectorT.length; i++) {
            all.add(projectorT[i]);
            all.add(projectorB[i]);
        }
        return all;
    }
}
