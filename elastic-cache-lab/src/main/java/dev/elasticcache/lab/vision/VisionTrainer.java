package dev.elasticcache.lab.vision;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointWriter;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.lab.train.MaskedSequence;
import dev.elasticcache.lab.train.MaskingObjective;
import dev.elasticcache.lab.train.TrainOptions;
import dev.elasticcache.lab.train.TrainableParameters;
import dev.elasticcache.lab.train.Trainer;
import dev.elasticcache.model.ConfigJson;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.model.LladaWeights;
import dev.elasticcache.model.TensorOps;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import dev.elasticcache.vision.AnyresPreprocessor;
import dev.elasticcache.vision.MlpProjector;
import dev.elasticcache.vision.Pinpoint;
import dev.elasticcache.vision.SiglipConfig;
import dev.elasticcache.vision.SiglipVisionTower;
import dev.elasticcache.vision.VisionConfig;
import dev.elasticcache.vision.VisionTensors;
import dev.elasticcache.vision.VisionWeights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Supervised fine-tuning of a LLaDA-V-format model on the {@link ReadingTask} (DJL autograd, CPU): the SigLIP
 * tower, the projector, {@code image_newline} and the language model train together through the project's own
 * forward passes ({@link SiglipVisionTower}, {@link MlpProjector}, {@link LladaModel#forwardEmbedded}), with
 * the text trainer's masking objective and optimizer.
 *
 * <p>Every training image is one tile in size, so anyres makes it the base tile plus a 1 x 1 grid and the
 * image rows are the base tile's tokens, then each grid row's tokens followed by {@code image_newline}
 * ({@link #imageRows}: the layout {@link dev.elasticcache.vision.SpatialUnpad} computes for such an image, as a
 * differentiable op). The prompt is the one the engine builds for an image attached to the question.
 */
public final class VisionTrainer implements AutoCloseable {
    private final LladaConfig text;
    private final VisionConfig vision;
    private TrainOptions options;
    private final LladaTokenizer tokenizer;
    private final TrainableParameters params;
    private final AnyresPreprocessor preprocessor;
    private final MaskingObjective objective;
    private final Iterator<ReadingTask> data;
    private final Random maskRandom;
    private final Random lengthRandom;
    /** Prompt ids before and after the image rows. */
    private final int[] before;
    private final int[] after;
    private final int imageRowCount;
    private final double visionLrScale;
    private final double auxWeight;
    private long step;
    /** The auxiliary patch probe (training only, never saved): one class per glyph and one for background. */
    private static final String AUX_HEAD = "aux.patch_probe.weight";
    private static final String AUX_BIAS = "aux.patch_probe.bias";
    private static final int AUX_CLASSES = GlyphFont.ALPHABET.length() + 1;

    /** One optimizer step's figures. */
    public record StepResult(long step, double loss, double learningRate, double gradNorm, int genLength) {}

    /**
     * @param text    the language model's config (Llama tensor names, as LLaDA-V's)
     * @param vision  the vision settings (one pinpoint: the tile)
     * @param initial every tensor of the model by checkpoint name
     */
    public VisionTrainer(LladaConfig text, VisionConfig vision, TrainOptions options, LladaTokenizer tokenizer,
            Map<String, float[]> initial) {
        this(text, vision, options, tokenizer, initial, 1.0, 0, 0);
    }

    /**
     * @param visionLrScale   learning rate of the vision half (trained from scratch) relative to the language model's
     * @param curriculumSteps with {@code c > 0}: one-character images for the first c steps, up to two for the next
     *                        c, then up to {@value ReadingTask#MAX_LENGTH}
     * @param auxWeight       weight of the two auxiliary losses that supervise the vision half directly (0: none):
     *                        a linear probe on the tower's patch features names the character drawn in each patch,
     *                        and each projected patch row is pulled (cosine) toward the language model's embedding of
     *                        that character (of a space for background), so image rows read like text
     */
    public VisionTrainer(LladaConfig text, VisionConfig vision, TrainOptions options, LladaTokenizer tokenizer,
            Map<String, float[]> initial, double visionLrScale, long curriculumSteps, double auxWeight) {
        DjlDefaults.apply();
        this.visionLrScale = visionLrScale;
        this.auxWeight = auxWeight;
        if (vision.textHiddenSize() != text.dModel()) {
            throw new IllegalArgumentException("the projector writes rows of " + vision.textHiddenSize()
                    + " but the language model is " + text.dModel() + " wide");
        }
        this.text = text;
        this.vision = vision;
        this.options = options;
        this.tokenizer = tokenizer;
        Map<String, long[]> all = new LinkedHashMap<>(shapes(text, vision));
        Map<String, float[]> start = new LinkedHashMap<>(initial);
        if (auxWeight > 0) {
            int h = vision.tower().hiddenSize();
            all.put(AUX_HEAD, new long[] {h, AUX_CLASSES});
            all.put(AUX_BIAS, new long[] {AUX_CLASSES});
            float[] head = new float[h * AUX_CLASSES];
            Random r = new Random(options.seed() * 31 + 3);
            for (int i = 0; i < head.length; i++) {
                head[i] = (float) (0.02 * r.nextGaussian());
            }
            start.putIfAbsent(AUX_HEAD, head);
            start.putIfAbsent(AUX_BIAS, new float[AUX_CLASSES]);
        }
        this.params = new TrainableParameters(all, start, options.beta1(), options.beta2());
        this.preprocessor = AnyresPreprocessor.of(vision);
        this.objective = new MaskingObjective(text.maskTokenId());
        this.data = ReadingTask.train(tileSize(), options.seed(), curriculumSteps <= 0 ? () -> ReadingTask.MAX_LENGTH
                : () -> (int) Math.min(ReadingTask.MAX_LENGTH, 1 + step / curriculumSteps)).iterator();
        this.maskRandom = new Random(options.seed() * 31 + 1);
        this.lengthRandom = new Random(options.seed() * 31 + 2);
        String[] pieces = tokenizer.renderChat(List.of(ChatMessage.user(VisionConfig.IMAGE_PLACEHOLDER + "\n"
                + ReadingTask.QUESTION))).split(java.util.regex.Pattern.quote(VisionConfig.IMAGE_PLACEHOLDER), -1);
        this.before = tokenizer.encode(pieces[0]);
        this.after = tokenizer.encode(pieces[1]);
        int g = vision.tokensPerSide();
        this.imageRowCount = g * g + g * (g + 1);
    }

    /**
     * The vision settings of a trainable model: a SigLIP tower of {@code layersRun} layers (plus the one LLaDA-V
     * drops), images of one {@code imageSize} tile, LLaDA-V's projector and merge settings.
     */
    public static VisionConfig visionConfig(int imageSize, int patch, int hidden, int mlp, int layersRun, int heads,
            int textHidden) {
        SiglipConfig tower = new SiglipConfig(hidden, mlp, layersRun + 1, heads, 3, imageSize, patch, 1e-6,
                SiglipConfig.Activation.GELU_TANH).validate();
        return new VisionConfig("google/siglip2-so400m-patch14-384", tower, -2, "mlp2x_gelu", 2, hidden, textHidden,
                "anyres_max_4", 4, List.of(new Pinpoint(imageSize, imageSize)), "spatial_unpad").validate();
    }

    /** Every tensor of a LLaDA-V folder for these configs: the language model's, then the vision half's. */
    public static Map<String, long[]> shapes(LladaConfig text, VisionConfig vision) {
        Map<String, long[]> all = new LinkedHashMap<>(LladaTensorLayout.expectedShapes(text));
        all.putAll(VisionWeights.expectedShapes(vision));
        return all;
    }

    /**
     * Initial vision weights: matrices ~ N(0, std²) (the residual output projections scaled by 1/sqrt(2 layers)),
     * the position embedding and {@code image_newline} ~ N(0, std²), LayerNorm weights 1, biases 0.
     */
    public static Map<String, float[]> initialVisionWeights(VisionConfig vision, long seed, double std) {
        Random random = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        double residualStd = std / Math.sqrt(2.0 * vision.layersUsed());
        for (Map.Entry<String, long[]> e : VisionWeights.expectedShapes(vision).entrySet()) {
            String name = e.getKey();
            float[] data = new float[Math.toIntExact(new Shape(e.getValue()).size())];
            if (name.endsWith("norm1.weight") || name.endsWith("norm2.weight")) {
                java.util.Arrays.fill(data, 1f);
            } else if (!name.endsWith(".bias")) {
                double s = name.endsWith("out_proj.weight") || name.endsWith("fc2.weight") ? residualStd : std;
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (s * random.nextGaussian());
                }
            }
            out.put(name, data);
        }
        return out;
    }

    /**
     * A text model's weights (LLaDA or Llama names) renamed for {@code llamaNamed}: the tensors of both namings
     * come in the same structural order.
     */
    public static Map<String, float[]> renamed(Map<String, float[]> weights, LladaConfig from, LladaConfig llamaNamed) {
        List<String> source = List.copyOf(LladaTensorLayout.expectedShapes(from).keySet());
        List<String> target = List.copyOf(LladaTensorLayout.expectedShapes(llamaNamed).keySet());
        if (source.size() != target.size()) {
            throw new IllegalArgumentException("the text model and the vision-language model's language half differ in shape");
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < source.size(); i++) {
            out.put(target.get(i), weights.get(source.get(i)));
        }
        return out;
    }

    public int tileSize() {
        return vision.tower().imageSize();
    }

    /** Changes the length of the learning-rate schedule (once the step time of a timed run is known). */
    public void setTotalSteps(long totalSteps) {
        options = options.withTotalSteps(totalSteps);
    }

    public long step() {
        return step;
    }

    /** Prompt length in tokens (text and image rows). */
    public int promptLength() {
        return before.length + imageRowCount + after.length;
    }

    /**
     * The image rows of one-tile images: {@code features} {@code [2B, P, d]} (base tile, grid tile per image),
     * {@code newline} {@code [d]}; returns {@code [B, g*g + g*(g+1), d]}.
     */
    public static NDArray imageRows(NDArray features, NDArray newline, int tokensPerSide) {
        long d = features.getShape().get(2);
        long images = features.getShape().get(0) / 2;
        int g = tokensPerSide;
        NDArray pairs = features.reshape(images, 2, (long) g * g, d);
        NDArray base = pairs.get(":, 0");
        NDArray grid = pairs.get(":, 1").reshape(images, g, g, d);
        NDArray newlines = newline.reshape(1, 1, 1, d).broadcast(new Shape(images, g, 1, d));
        NDArray gridRows = NDArrays.concat(new NDList(grid, newlines), 2).reshape(images, (long) g * (g + 1), d);
        return NDArrays.concat(new NDList(base, gridRows), 1);
    }

    /** One optimizer step on the next batch of tasks. */
    public StepResult trainStep() {
        List<ReadingTask> tasks = new ArrayList<>(options.batch());
        for (int i = 0; i < options.batch(); i++) {
            tasks.add(data.next());
        }
        int genLength = lengthRandom.nextDouble() < options.longFraction() ? options.longGenLength() : options.genLength();
        return trainStep(tasks, genLength);
    }

    /** One optimizer step on {@code tasks}, answers padded to {@code genLength}. */
    public StepResult trainStep(List<ReadingTask> tasks, int genLength) {
        List<MaskedSequence> batch = mask(tasks, genLength);
        double lr = options.learningRate(step);
        double loss;
        try (NDManager scope = params.newScope()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray total = loss(tasks, batch, scope);
                collector.backward(total);
                loss = total.getFloat();
            }
            double gradNorm = params.applyGradients(lr, options.clipNorm(), options.weightDecay(),
                    name -> name.startsWith("model.vision_tower.") || name.startsWith(VisionTensors.PROJECTOR)
                            || name.equals(VisionTensors.IMAGE_NEWLINE) ? visionLrScale : 1.0);
            step++;
            return new StepResult(step, loss, lr, gradNorm, genLength);
        }
    }

    /** The batch loss of {@code tasks} under the current weights, without gradients or an update. */
    public double evalLoss(List<ReadingTask> tasks, int genLength) {
        try (NDManager scope = params.newScope()) {
            return loss(tasks, mask(tasks, genLength), scope).getFloat();
        }
    }

    /** The masked sequences of {@code tasks} (placeholder ids where the image rows go: the mask id, never read). */
    public List<MaskedSequence> mask(List<ReadingTask> tasks, int genLength) {
        int[] prompt = new int[promptLength()];
        System.arraycopy(before, 0, prompt, 0, before.length);
        java.util.Arrays.fill(prompt, before.length, before.length + imageRowCount, text.maskTokenId());
        System.arraycopy(after, 0, prompt, before.length + imageRowCount, after.length);
        List<MaskedSequence> out = new ArrayList<>();
        for (ReadingTask t : tasks) {
            int[] clean = MaskingObjective.cleanSequence(prompt, tokenizer.encode(t.text()), tokenizer.eotTokenId(),
                    text.eosTokenId(), genLength);
            out.add(objective.mask(clean, prompt.length, maskRandom));
        }
        return out;
    }

    /** The batch loss under the current weights (with the auxiliary losses when enabled), owned by {@code scope}. */
    NDArray loss(List<ReadingTask> tasks, List<MaskedSequence> batch, NDManager scope) {
        LladaModel model = new LladaModel(text, LladaWeights.assemble(text, params::get, scope), scope);
        Encoded encoded = encode(tasks, scope);
        NDArray rows = imageRows(encoded.projected(), params.get(VisionTensors.IMAGE_NEWLINE), vision.tokensPerSide());
        int n = batch.get(0).length();
        int[] input = new int[batch.size() * n];
        for (int b = 0; b < batch.size(); b++) {
            System.arraycopy(batch.get(b).input(), 0, input, b * n, n);
        }
        long d = text.dModel();
        NDArray embedded = model.embed(TensorOps.indices(scope, input)).reshape(batch.size(), n, d);
        int imageEnd = before.length + imageRowCount;
        NDArray h = NDArrays.concat(new NDList(embedded.get(new NDIndex(":, 0:" + before.length)), rows,
                embedded.get(new NDIndex(":, " + imageEnd + ":"))), 1).reshape((long) batch.size() * n, d);
        NDArray loss = Trainer.weightedLoss(model.forwardEmbedded(h, batch.size(), null), batch, scope);
        return auxWeight > 0 ? loss.add(auxiliaryLoss(tasks, encoded, scope).mul(scope.create((float) auxWeight))) : loss;
    }

    /** Tower features {@code [2B, P, h]} and projected rows {@code [2B, P, d]} of the tasks' images (base, grid tile). */
    private record Encoded(NDArray tower, NDArray projected) {}

    private Encoded encode(List<ReadingTask> tasks, NDManager scope) {
        int per = 3 * tileSize() * tileSize();
        float[] pixels = new float[tasks.size() * 2 * per];
        for (int i = 0; i < tasks.size(); i++) {
            AnyresPreprocessor.Tiles tiles = preprocessor.preprocess(tasks.get(i).image());
            if (tiles.tiles() != 2) {
                throw new IllegalArgumentException("training images must be one tile (" + tileSize() + " pixels square)");
            }
            System.arraycopy(tiles.pixels(), 0, pixels, i * 2 * per, 2 * per);
        }
        VisionWeights weights = VisionWeights.assemble(vision, params::get, scope);
        NDArray px = scope.create(pixels, new Shape(tasks.size() * 2L, 3, tileSize(), tileSize()));
        NDArray tower = new SiglipVisionTower(vision, weights).forward(px);
        return new Encoded(tower, new MlpProjector(weights).forward(tower));
    }

    /** The image rows of the tasks' images under the current weights, {@code [B, R, d]}. */
    NDArray imageRows(List<ReadingTask> tasks, NDManager scope) {
        return imageRows(encode(tasks, scope).projected(), params.get(VisionTensors.IMAGE_NEWLINE), vision.tokensPerSide());
    }

    /**
     * Probe cross-entropy over the base tiles' patches plus the mean {@code 1 - cos} between each projected patch row
     * and the (fixed) embedding of its character or of a space.
     */
    private NDArray auxiliaryLoss(List<ReadingTask> tasks, Encoded encoded, NDManager scope) {
        int g = vision.tokensPerSide();
        int patches = g * g;
        int rows = tasks.size() * patches;
        long[] labels = new long[rows];
        int[] targetIds = new int[rows];
        int space = tokenizer.encode(" ")[0];
        for (int b = 0; b < tasks.size(); b++) {
            ReadingTask t = tasks.get(b);
            int[] owners = t.patchOwners(vision.tower().patchSize());
            for (int p = 0; p < patches; p++) {
                char c = owners[p] < 0 ? ' ' : t.text().charAt(owners[p]);
                labels[b * patches + p] = owners[p] < 0 ? AUX_CLASSES - 1 : GlyphFont.ALPHABET.indexOf(c);
                targetIds[b * patches + p] = owners[p] < 0 ? space : tokenizer.encode(String.valueOf(c))[0];
            }
        }
        float[] mean = new float[rows];
        java.util.Arrays.fill(mean, 1f / rows);
        NDArray meanWeights = scope.create(mean);
        int h = vision.tower().hiddenSize();
        NDArray base = encoded.tower().reshape(tasks.size(), 2, patches, h).get(":, 0").reshape(rows, h);
        NDArray logProbs = base.matMul(params.get(AUX_HEAD)).add(params.get(AUX_BIAS)).logSoftmax(1);
        NDArray probe = logProbs.gather(scope.create(labels, new Shape(rows, 1)), 1).reshape(rows).mul(meanWeights).sum().neg();

        long d = text.dModel();
        NDArray projected = encoded.projected().reshape(tasks.size(), 2, patches, d).get(":, 0").reshape(rows, d);
        float[] table = params.get(text.tensorNaming().embedding()).toFloatArray();
        float[] targets = new float[Math.toIntExact(rows * d)];
        for (int r = 0; r < rows; r++) {
            int id = targetIds[r];
            double norm = 0;
            for (int k = 0; k < d; k++) {
                norm += (double) table[(int) (id * d + k)] * table[(int) (id * d + k)];
            }
            float inv = (float) (1 / Math.sqrt(norm + 1e-12));
            for (int k = 0; k < d; k++) {
                targets[(int) (r * d + k)] = table[(int) (id * d + k)] * inv;
            }
        }
        NDArray norms = projected.mul(projected).sum(new int[] {1}, true).add(1e-8f).sqrt();
        NDArray cosine = projected.div(norms).mul(scope.create(targets, new Shape(rows, d))).sum(new int[] {1});
        NDArray align = cosine.mul(meanWeights).sum().neg().add(1f);
        return probe.add(align);
    }

    /** Writes a LLaDA-V folder: config.json (language model and vision keys), model.safetensors, the tokenizer. */
    public void save(Path folder, DType dtype) {
        CheckpointWriter writer = new CheckpointWriter(dtype);
        params.values().forEach((name, data) -> {
            if (!name.startsWith("aux.")) {
                writer.add(name, params.shapes().get(name), data);
            }
        });
        writer.write(folder, 1);
        JsonObject config = text.toJson();
        vision.toJson().entrySet().forEach(e -> {
            if (!e.getKey().equals("hidden_size")) {
                config.add(e.getKey(), e.getValue());
            }
        });
        ConfigJson.write(folder.resolve("config.json"), config);
        TinyTokenizerFiles.write(folder);
    }

    @Override
    public void close() {
        params.close();
    }
}
