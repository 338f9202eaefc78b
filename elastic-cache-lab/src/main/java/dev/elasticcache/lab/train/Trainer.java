package dev.elasticcache.lab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.CheckpointWriter;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskEncoding;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.model.LladaWeights;
import dev.elasticcache.model.TensorOps;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LLaDA supervised fine-tuning on DJL autograd (CPU).
 *
 * <p>Parameters are NDArrays named and shaped as in a LLaDA checkpoint ({@link LladaTensorLayout}); every
 * step assembles them into the fused inference layout ({@link LladaWeights#assemble}) inside a sub-manager of
 * the parameters' manager and runs the project's own forward ({@link LladaModel#forward}), so training and
 * inference share one code path. The step's sub-manager is closed before the next step, so native memory
 * does not grow.
 *
 * <p>LLaDA attention has no mask, so prompts are never padded: a batch is made of tasks whose prompts have the
 * same length (drawn from the task stream into per-length buckets), padded to one generation length, and
 * goes through one batched forward ({@link LladaModel#forwardSequences}); the batch loss is the mean of the
 * sequences' losses ({@link MaskingObjective}), back-propagated once.
 */
public final class Trainer implements AutoCloseable {
    private final LladaConfig config;
    private TrainOptions options;
    /** Width of a prompt-length bucket (tokens). */
    static final int PROMPT_BUCKET = 32;
    private final TaskEncoding encoding;
    private final MaskingObjective objective;
    private final TrainableParameters params;
    private final Iterator<Task> data;
    private final Random maskRandom;
    private final Random lengthRandom;
    /** Tasks drawn from the stream but not yet trained on, by prompt length in tokens. */
    private final Map<Integer, List<Task>> pendingByPromptLength = new java.util.HashMap<>();
    private long step;
    private Structured structured = Structured.NONE;

    /** Result of one optimizer step; {@code pointerHits} is the share of supervised positions whose best head puts more than half its attention on the source (NaN without pointer loss). */
    public record StepResult(long step, double loss, double learningRate, double gradNorm, long tokens, int genLength,
            int maskedTokens, double pointerLoss, double pointerHits) {}

    /**
     * How structured tasks are trained beyond the masking objective.
     *
     * @param pointerWeight weight of the training-only pointer loss: for each masked answer character copied from the
     *     prompt, {@code -log} of the largest attention any head of the layers from {@code pointerFromLayer} on pays to
     *     its source (0: none). Inference is unchanged.
     * @param pointerFromLayer first layer whose heads may point (a head needs a layer below it to learn which slot
     *     its position is in)
     * @param maskFloor canvas masking draws p from U(maskFloor, 1)
     * @param nameDecisionFraction share of tool-call canvases trained as the name is chosen (name masked, every
     *     argument position a mask without loss); the others give the name and mask the argument holes, as the
     *     engine fills them
     * @param wholeValueFraction share of sequences whose copied values are masked whole (each value all masked or
     *     all shown): decoding starts from values with no character shown, where only the key tells a value's source;
     *     with characters masked one by one a shown neighbour is enough to find it, and that is what a model learns
     * @param partialValueFraction share of the values masked whole that then show 1 to length-1 of their characters,
     *     chosen at random: the states a decoder that reveals one token a step ({@code llada}) passes through between
     *     the all-masked value and the finished one
     */
    public record Structured(double pointerWeight, int pointerFromLayer, double maskFloor, double nameDecisionFraction,
            double wholeValueFraction, double partialValueFraction) {
        public static final Structured NONE = new Structured(0, 1, 0, 0, 0, 0);

        public Structured {
            if (pointerWeight < 0 || pointerFromLayer < 0 || maskFloor < 0 || maskFloor >= 1 || nameDecisionFraction < 0
                    || nameDecisionFraction > 1 || wholeValueFraction < 0 || wholeValueFraction > 1
                    || partialValueFraction < 0 || partialValueFraction > 1) {
                throw new IllegalArgumentException("invalid structured training settings: " + this);
            }
        }
    }

    /** Sets how structured tasks are trained (default {@link Structured#NONE}: the plain objective). */
    public void setStructured(Structured settings) {
        this.structured = settings;
    }

    /** A trainer starting from {@link #initialWeights} of {@code options.seed()}. */
    public Trainer(LladaConfig config, TrainOptions options, TaskSuite suite, TaskEncoding encoding) {
        this(config, options, suite, encoding, initialWeights(config, options.seed(), options.initStd()));
    }

    /** A trainer starting from the given named weights (e.g. a checkpoint, to continue training). */
    public Trainer(LladaConfig config, TrainOptions options, TaskSuite suite, TaskEncoding encoding,
            Map<String, float[]> initial) {
        DjlDefaults.apply();
        this.config = config;
        this.options = options;
        this.encoding = encoding;
        this.objective = new MaskingObjective(config.maskTokenId());
        this.params = new TrainableParameters(LladaTensorLayout.expectedShapes(config), initial, options.beta1(),
                options.beta2());
        this.data = suite.train(options.seed()).iterator();
        this.maskRandom = new Random(options.seed() * 31 + 1);
        this.lengthRandom = new Random(options.seed() * 31 + 2);
    }

    /**
     * Initial weights for training: matrices ~ N(0, std²), the residual output projections (attn_out and the
     * MLP's ff_out of each block) scaled down by sqrt(2 n_layers), RMSNorm weights 1.
     */
    public static Map<String, float[]> initialWeights(LladaConfig config, long seed, double std) {
        Random random = new Random(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        double residualStd = std / Math.sqrt(2.0 * config.nLayers());
        for (Map.Entry<String, long[]> e : LladaTensorLayout.expectedShapes(config).entrySet()) {
            long[] shape = e.getValue();
            float[] data = new float[Math.toIntExact(new Shape(shape).size())];
            if (shape.length == 1) {
                java.util.Arrays.fill(data, 1f);
            } else {
                String name = e.getKey();
                boolean residual = name.endsWith(LladaTensorLayout.ATTN_OUT + ".weight")
                        || (name.startsWith(LladaTensorLayout.PREFIX + "blocks.")
                                && name.endsWith("." + LladaTensorLayout.FF_OUT + ".weight"));
                double s = residual ? residualStd : std;
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) (s * random.nextGaussian());
                }
            }
            out.put(e.getKey(), data);
        }
        return out;
    }

    /** Reads all weights of a checkpoint folder as fp32 arrays (to continue training from it). */
    public static Map<String, float[]> readWeights(Path folder) {
        try (LladaCheckpoint checkpoint = LladaCheckpoint.open(folder)) {
            CheckpointReader reader = checkpoint.reader();
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String name : LladaTensorLayout.expectedShapes(checkpoint.config()).keySet()) {
                out.put(name, reader.readFloats(name));
            }
            return out;
        }
    }

    public LladaConfig config() {
        return config;
    }

    public TrainOptions options() {
        return options;
    }

    /** Changes the length of the learning-rate schedule (e.g. once the step time of a timed run is known). */
    public void setTotalSteps(long totalSteps) {
        options = options.withTotalSteps(totalSteps);
    }

    public long step() {
        return step;
    }

    /**
     * Draws the next batch: tasks from the stream, one padding rule for the whole batch (the usual generation
     * length, the long one, or just past the batch's longest answer), masking.
     */
    public List<MaskedSequence> nextBatch() {
        double draw = lengthRandom.nextDouble();
        int eot = encoding.tokenizer().eotTokenId();
        List<Task> tasks = nextEqualLengthTasks();
        int genLength;
        if (draw < options.longFraction()) {
            genLength = options.longGenLength();
        } else if (draw < options.longFraction() + options.shortFraction()) {
            int longest = tasks.stream().mapToInt(t -> encoding.answerIds(t).length).max().orElse(0);
            genLength = Math.min(options.genLength(), longest + 1 + 8 + lengthRandom.nextInt(17));
        } else {
            genLength = options.genLength();
        }
        List<MaskedSequence> batch = new ArrayList<>(options.batch());
        int longestPrompt = tasks.stream().mapToInt(t -> encoding.promptIds(t).length).max().orElse(0);
        genLength = Math.min(genLength, config.maxSequenceLength() - longestPrompt);
        for (Task task : tasks) {
            int[] prompt = encoding.promptIds(task);
            int[] answer = encoding.answerIds(task);
            int[] clean = MaskingObjective.cleanSequence(prompt, answer, eot, config.eosTokenId(), genLength);
            boolean[] variable = encoding.variablePositions(task);
            // A share of the structured tasks is masked as an infilling canvas starts: fixed text given, slots masked.
            MaskedSequence masked = variable != null && asCanvas()
                    ? maskCanvas(task, clean, prompt.length, variable)
                    : objective.mask(clean, prompt.length, maskRandom);
            if (structured.pointerWeight() > 0 || structured.wholeValueFraction() > 0) {
                int[] sources = java.util.Arrays.copyOf(PointerTargets.of(task, prompt, answer), clean.length);
                java.util.Arrays.fill(sources, prompt.length + answer.length, clean.length, -1);
                masked = masked.withPointers(sources);
                if (maskRandom.nextDouble() < structured.wholeValueFraction()) {
                    masked = wholeValues(masked, clean);
                }
            }
            batch.add(masked.leftPadded(longestPrompt - prompt.length, config.eosTokenId()));
        }
        return batch;
    }

    /**
     * A canvas as the engine decodes it: a tool call either while its name is chosen (name masked, the arguments
     * all masks) or with the name given and the argument holes masked; a schema's document with its slots masked.
     */
    private MaskedSequence maskCanvas(Task task, int[] clean, int promptLength, boolean[] variable) {
        if (!task.expectsCall()) {
            return objective.maskEligible(clean, promptLength, variable, structured.maskFloor(), Integer.MAX_VALUE, maskRandom);
        }
        int nameStart = 0;
        while (nameStart < variable.length && !variable[nameStart]) {
            nameStart++;
        }
        int nameEnd = nameStart;
        while (nameEnd < variable.length && variable[nameEnd]) {
            nameEnd++;
        }
        boolean[] eligible = variable.clone();
        if (maskRandom.nextDouble() < structured.nameDecisionFraction()) {
            java.util.Arrays.fill(eligible, nameEnd, eligible.length, false);
            return objective.maskEligible(clean, promptLength, eligible, structured.maskFloor(), nameEnd, maskRandom);
        }
        java.util.Arrays.fill(eligible, nameStart, nameEnd, false);
        return objective.maskEligible(clean, promptLength, eligible, structured.maskFloor(), Integer.MAX_VALUE, maskRandom);
    }

    /**
     * The masking with each copied value (a run of positions whose sources are consecutive) masked whole with the
     * sequence's probability, or shown whole; weights as the sequence's other masked positions.
     */
    private MaskedSequence wholeValues(MaskedSequence masked, int[] clean) {
        float weight = 0;
        for (float w : masked.weights()) {
            weight = Math.max(weight, w);
        }
        if (weight == 0) {
            return masked;
        }
        int[] input = masked.input().clone();
        float[] weights = masked.weights().clone();
        for (int[] value : masked.copiedValues()) {
            int start = value[0];
            int length = value[1] - start;
            boolean hide = maskRandom.nextDouble() < masked.maskProbability();
            for (int j = start; j < value[1]; j++) {
                input[j] = hide ? objective.maskId() : clean[j];
                weights[j] = hide ? weight : 0;
            }
            if (hide && length > 1 && maskRandom.nextDouble() < structured.partialValueFraction()) {
                showSome(input, weights, clean, start, length, 1 + maskRandom.nextInt(length - 1));
            }
        }
        return new MaskedSequence(input, masked.targets(), weights, masked.promptLength(), masked.maskProbability(),
                masked.leftPadding(), masked.pointers());
    }

    /** Shows {@code count} of the {@code length} positions from {@code start}, chosen at random, without loss. */
    private void showSome(int[] input, float[] weights, int[] clean, int start, int length, int count) {
        int[] order = java.util.stream.IntStream.range(0, length).toArray();
        for (int k = 0; k < count; k++) {
            int pick = k + maskRandom.nextInt(length - k);
            int p = start + order[pick];
            order[pick] = order[k];
            input[p] = clean[p];
            weights[p] = 0;
        }
    }

    /** Whether the next structured task is masked as a canvas (one half: the draw the shipped model was trained with). */
    private boolean asCanvas() {
        double f = options.canvasFraction();
        return f == 0.5 ? maskRandom.nextBoolean() : maskRandom.nextDouble() < f;
    }

    /**
     * The next {@code batch} tasks of the stream whose prompt lengths fall into one bucket of
     * {@value #PROMPT_BUCKET} (shorter prompts are left-padded, the padding hidden from attention): prompts with
     * tools vary in length, and exact-length buckets would starve those families.
     */
    private List<Task> nextEqualLengthTasks() {
        while (true) {
            Task task = data.next();
            int promptLength = (encoding.promptIds(task).length + PROMPT_BUCKET - 1) / PROMPT_BUCKET;
            List<Task> bucket = pendingByPromptLength.computeIfAbsent(promptLength, k -> new ArrayList<>());
            bucket.add(task);
            if (bucket.size() == options.batch()) {
                pendingByPromptLength.remove(promptLength);
                return bucket;
            }
        }
    }

    /** One optimizer step on the next batch. */
    public StepResult trainStep() {
        return trainStep(nextBatch());
    }

    /** One optimizer step on {@code batch}: forward, LLaDA SFT loss, backward, clipping, AdamW. */
    public StepResult trainStep(List<MaskedSequence> batch) {
        double lr = options.learningRate(step);
        long tokens = 0;
        int masked = 0;
        double loss;
        double[] pointer = {Double.NaN, Double.NaN};
        try (NDManager scope = params.newScope()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                LladaModel model = new LladaModel(config, LladaWeights.assemble(config, params::get, scope), scope);
                NDArray total = batchLoss(model, batch, scope, structured, pointer);
                for (MaskedSequence s : batch) {
                    tokens += s.length();
                    masked += s.maskedCount();
                }
                collector.backward(total);
                loss = total.getFloat();
            }
            double gradNorm = params.applyGradients(lr, options.clipNorm(), options.weightDecay());
            step++;
            return new StepResult(step, loss, lr, gradNorm, tokens, batch.get(0).length() - batch.get(0).promptLength(), masked,
                    pointer[0], pointer[1]);
        }
    }

    /**
     * The batch loss of {@code batch} (sequences of any lengths) under the current weights, without gradients
     * or an update.
     */
    public double loss(List<MaskedSequence> batch) {
        try (NDManager scope = params.newScope()) {
            LladaModel model = new LladaModel(config, LladaWeights.assemble(config, params::get, scope), scope);
            double sum = 0;
            for (List<MaskedSequence> sameLength : batch.stream()
                    .collect(java.util.stream.Collectors.groupingBy(MaskedSequence::length)).values()) {
                sum += batchLoss(model, sameLength, scope, Structured.NONE, new double[2]).getFloat() * sameLength.size();
            }
            return sum / batch.size();
        }
    }

    /**
     * {@code mean over sequences of sum_i w_i * CE_i} of equal-length masked sequences, from one batched
     * forward, as a scalar NDArray owned by {@code scope}.
     */
    static NDArray batchLoss(LladaModel model, List<MaskedSequence> batch, NDManager scope, Structured structured,
            double[] pointerStats) {
        int n = sequenceLength(batch);
        int[] input = new int[batch.size() * n];
        for (int b = 0; b < batch.size(); b++) {
            System.arraycopy(batch.get(b).input(), 0, input, b * n, n);
        }
        NDArray ids = TensorOps.indices(scope, input).reshape(batch.size(), n);
        NDArray keyBias = null;
        if (batch.stream().anyMatch(s -> s.leftPadding() > 0)) {
            float[] bias = new float[input.length];
            for (int b = 0; b < batch.size(); b++) {
                java.util.Arrays.fill(bias, b * n, b * n + batch.get(b).leftPadding(), -1e9f);
            }
            keyBias = scope.create(bias, new Shape(1, batch.size(), 1, n));
        }
        long[] pointerIndex = structured.pointerWeight() > 0 ? pointerIndex(batch, n) : new long[0];
        if (pointerIndex.length == 0) {
            return weightedLoss(model.forwardSequences(ids, keyBias), batch, scope);
        }
        List<NDArray> picked = new ArrayList<>();
        NDArray rows = model.embed(ids.reshape((long) batch.size() * n));
        NDArray logits = model.forwardEmbedded(rows, batch.size(), keyBias, (layer, probs) -> {
            if (layer >= structured.pointerFromLayer()) {
                long heads = probs.getShape().get(0);
                NDArray index = scope.create(pointerIndex, new Shape(1, pointerIndex.length)).repeat(0, heads);
                picked.add(probs.reshape(heads, -1).gather(index, 1));
            }
        });
        // The best (layer, head) for each supervised position: any one head that finds the source is enough.
        NDArray best = NDArrays.concat(new NDList(picked), 0).max(new int[] {0});
        NDArray pointerLoss = best.add(1e-6f).log().mean().neg();
        pointerStats[0] = pointerLoss.getFloat();
        pointerStats[1] = best.gt(0.5f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
        return weightedLoss(logits, batch, scope).add(pointerLoss.mul(scope.create((float) structured.pointerWeight())));
    }

    /** Flat indices {@code b N N + i N + source} into a layer's probabilities [B, N, N] of the supervised positions. */
    private static long[] pointerIndex(List<MaskedSequence> batch, int n) {
        List<Long> out = new ArrayList<>();
        for (int b = 0; b < batch.size(); b++) {
            for (int[] pair : batch.get(b).supervisedPointers()) {
                out.add((long) b * n * n + (long) pair[0] * n + pair[1]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The length shared by all sequences of a batch. */
    public static int sequenceLength(List<MaskedSequence> batch) {
        int n = batch.get(0).length();
        for (MaskedSequence s : batch) {
            if (s.length() != n) {
                throw new IllegalArgumentException("a batch needs sequences of one length, got " + n + " and " + s.length());
            }
        }
        return n;
    }

    /**
     * {@code mean over sequences of sum_i w_i * CE_i} of the logits {@code [B N, vocab]} of equal-length
     * sequences against their targets, as a scalar NDArray owned by {@code scope}.
     */
    public static NDArray weightedLoss(NDArray logits, List<MaskedSequence> batch, NDManager scope) {
        int n = sequenceLength(batch);
        int rows = batch.size() * n;
        long[] targets = new long[rows];
        float[] weights = new float[rows];
        for (int b = 0; b < batch.size(); b++) {
            MaskedSequence s = batch.get(b);
            for (int i = 0; i < n; i++) {
                targets[b * n + i] = s.targets()[i];
                // dividing the weights, not the loss: DJL's div(Number) is unsafe under autograd (see LladaModel's scale)
                weights[b * n + i] = s.weights()[i] / batch.size();
            }
        }
        NDArray logProbs = logits.logSoftmax(1);
        NDArray picked = logProbs.gather(scope.create(targets, new Shape(rows, 1)), 1).reshape(rows);
        return picked.mul(scope.create(weights)).sum().neg();
    }

    /**
     * An inference model over the current parameters (no copy of the matrices that are not fused); closing
     * it frees only its own arrays. Do not train while it is open.
     */
    public LladaModel inferenceModel() {
        NDManager scope = params.newScope();
        try {
            return new LladaModel(config, LladaWeights.assemble(config, params::get, scope), scope);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** The current weights, read back from the parameter NDArrays, in checkpoint order. */
    public Map<String, float[]> weights() {
        return params.values();
    }

    /**
     * Writes a LLaDA model folder: config.json, model.safetensors in {@code dtype}, tokenizer files and the infilling
     * settings trained with.
     */
    public void save(Path folder, DType dtype) {
        CheckpointWriter writer = new CheckpointWriter(dtype);
        weights().forEach((name, data) -> writer.add(name, params.shapes().get(name), data));
        writer.write(folder, 1);
        config.write(folder.resolve(LladaCheckpoint.CONFIG_FILE));
        TinyTokenizerFiles.write(folder, encoding.tokenizer().chatTemplateSource().orElse(dev.elasticcache.tokenizer.ChatTemplate.LLADA_JINJA));
        encoding.settings().write(folder);
    }

    @Override
    public void close() {
        params.close();
    }
}
