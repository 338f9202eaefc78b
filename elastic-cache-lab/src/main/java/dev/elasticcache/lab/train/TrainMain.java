package dev.elasticcache.lab.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.lab.Args;
import dev.elasticcache.lab.tasks.Evaluation;
import dev.elasticcache.lab.tasks.Evaluator;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskEncoding;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import dev.elasticcache.structured.Alignment;
import dev.elasticcache.structured.InfillSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Trains a small LLaDA model on the synthetic task suite and writes a LLaDA model folder.
 *
 * <pre>
 * --out DIR            output model folder (required)
 * --steps N            optimizer steps (the length of the lr schedule)
 * --minutes M          wall-clock budget; without --steps the schedule length is fitted to the budget from the
 *                      measured step time (refreshed every 50 steps: not bit-reproducible on a shared machine)
 * --seed N             seed of weights, data and masking (default 1)
 * --d-model N --layers N --heads N --mlp N   model size (default 128, 4, 4, 4 * d-model)
 * --rope-theta X       RoPE base (default 10000; a small base gives more high-frequency rotations, which
 *                      sharpen attention at one exact distance)
 * --batch N --lr X --warmup N --weight-decay X --clip X --init-std X
 * --long-fraction X --long-gen N   share of batches padded to N generated tokens (default 0.15 and 256)
 * --short-fraction X   share of batches padded just past their longest answer (default 0)
 * --eval-every N       quick evaluation every N steps (default 500; 0 = never)
 * --eval-count N       prompts of the quick evaluation (default 30)
 * --final-eval N       prompts of the final evaluation written to training.json (default 60)
 * --dtype F32|BF16     weight dtype of model.safetensors (default F32)
 * --init DIR           continue from the weights (and config) of a model folder
 * --family-weights W   training draws per family, e.g. query=2 (the others keep 1; evaluation is unaffected)
 * --suite NAME         task suite: standard (default), shipped (with json, tool, tool-answer) or hard
 * --gen-length N       response length of most batches (default 128)
 * --canvas-fraction X  share of structured tasks masked as an infilling canvas, only slots masked (default 0.5)
 * --infill-alignment A where values sit in their slots: right (default) or left; written to generation_config.json
 * --chat-template T    llada (default) or compact-tools (tools rendered one line each by the model's own template)
 * --pointer-weight X   weight of the training-only pointer loss on copied values (default 0: none)
 * --pointer-from-layer N  first layer whose heads the pointer loss may use (default 1)
 * --mask-floor X       canvas masking draws p from U(X, 1) (default 0)
 * --name-decision X    share of tool-call canvases trained while the name is chosen (default 0)
 * --whole-values X     share of sequences whose copied values are masked whole, never a character at a time (default 0)
 * --partial-values X   share of those whole-masked values that show 1 to length-1 of their characters (default 0)
 * </pre>
 */
public final class TrainMain {
    private static final Set<String> OPTIONS = Set.of("out", "short-fraction", "steps", "minutes", "seed", "d-model", "layers", "heads", "mlp",
            "batch", "lr", "warmup", "weight-decay", "clip", "long-fraction", "init-std", "eval-every", "eval-count",
            "final-eval", "dtype", "init", "log-every", "long-gen", "rope-theta", "family-weights", "gen-length", "suite", "infill-alignment", "canvas-fraction",
            "chat-template", "pointer-weight", "pointer-from-layer", "mask-floor", "name-decision", "whole-values",
            "partial-values");

    private TrainMain() {}

    public static void main(String[] argv) throws IOException {
        DjlDefaults.apply();
        Args args = Args.parse(argv, OPTIONS);
        if (!args.has("out")) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        if (!args.has("steps") && !args.has("minutes")) {
            throw new IllegalArgumentException("give --steps N and/or --minutes M");
        }
        Path out = Path.of(args.get("out", null));
        long seed = args.getLong("seed", 1);
        double minutes = args.getDouble("minutes", Double.POSITIVE_INFINITY);
        long steps = args.getLong("steps", Long.MAX_VALUE);
        LladaConfig config;
        Map<String, float[]> initial = null;
        if (args.has("init")) {
            Path init = Path.of(args.get("init", null));
            try (LladaCheckpoint c = LladaCheckpoint.open(init)) {
                config = c.config();
            }
            initial = Trainer.readWeights(init);
        } else {
            int d = args.getInt("d-model", 128);
            config = LladaConfig.builder()
                    .dModel(d)
                    .nHeads(args.getInt("heads", 4))
                    .nLayers(args.getInt("layers", 4))
                    .mlpHiddenSize(args.getInt("mlp", 4 * d))
                    .vocabSize(TinyTokenizerFiles.VOCAB_SIZE)
                    .maskTokenId(TinyTokenizerFiles.MASK_ID)
                    .eosTokenId(TinyTokenizerFiles.EOS_ID)
                    .ropeTheta(args.getDouble("rope-theta", 10000))
                    .maxSequenceLength(1024)
                    .build();
        }
        TrainOptions d = TrainOptions.defaults(seed, steps == Long.MAX_VALUE ? 1_000_000 : steps);
        TrainOptions options = new TrainOptions(seed, args.getInt("batch", d.batch()), d.totalSteps(), args.getDouble("lr", d.peakLr()),
                args.getInt("warmup", d.warmupSteps()), d.minLrRatio(), args.getDouble("weight-decay", d.weightDecay()),
                d.beta1(), d.beta2(), args.getDouble("clip", d.clipNorm()), args.getInt("gen-length", d.genLength()), args.getInt("long-gen", d.longGenLength()),
                args.getDouble("long-fraction", d.longFraction()), args.getDouble("init-std", d.initStd()),
                args.getDouble("short-fraction", d.shortFraction()), args.getDouble("canvas-fraction", d.canvasFraction()));
        int evalEvery = args.getInt("eval-every", 500);
        int evalCount = args.getInt("eval-count", 30);
        int finalEval = args.getInt("final-eval", 60);
        int logEvery = args.getInt("log-every", 10);
        DType dtype = DType.valueOf(args.get("dtype", "F32").toUpperCase(Locale.ROOT));

        Path tokenizerDir = Files.createTempDirectory("tiny-tokenizer");
        String chatTemplate = switch (args.get("chat-template", "llada")) {
            case "llada" -> dev.elasticcache.tokenizer.ChatTemplate.LLADA_JINJA;
            case "compact-tools" -> TinyTokenizerFiles.COMPACT_TOOLS_JINJA;
            default -> throw new IllegalArgumentException("--chat-template takes llada or compact-tools");
        };
        TinyTokenizerFiles.write(tokenizerDir, chatTemplate);
        Trainer.Structured structured = new Trainer.Structured(args.getDouble("pointer-weight", 0),
                args.getInt("pointer-from-layer", 1), args.getDouble("mask-floor", 0), args.getDouble("name-decision", 0),
                args.getDouble("whole-values", 0), args.getDouble("partial-values", 0));
        Map<String, Integer> familyWeights = familyWeights(args.get("family-weights", ""));
        TaskSuite suite = TaskSuite.named(args.get("suite", "standard")).weighted(familyWeights);
        List<Task> evalTasks = suite.evaluation(Math.max(evalCount, finalEval));
        long start = System.nanoTime();
        try (LladaTokenizer tokenizer = LladaTokenizer.open(tokenizerDir)) {
            InfillSettings infill = new InfillSettings(InfillSettings.tinyModels().fillerTokenId(),
                    Alignment.parse(args.get("infill-alignment", "right")));
            TaskEncoding encoding = new TaskEncoding(tokenizer, infill);
            Evaluator evaluator = new Evaluator(encoding, Evaluator.defaultOptions());
            System.out.printf(Locale.ROOT, "model: d_model %d, %d layers, %d heads, mlp %d, %,d parameters; options %s%n",
                    config.dModel(), config.nLayers(), config.nHeads(), config.mlpHiddenSize(),
                    LladaTensorLayout.parameterCount(config), options);
            try (Trainer trainer = initial == null ? new Trainer(config, options, suite, encoding)
                    : new Trainer(config, options, suite, encoding, initial)) {
                trainer.setStructured(structured);
                double pointerEma = Double.NaN;
                double hitsEma = Double.NaN;
                double ema = Double.NaN;
                double lastLoss = Double.NaN;
                long tokens = 0;
                double evalSeconds = 0;
                long windowStart = System.nanoTime();
                long windowTokens = 0;
                boolean estimated = steps != Long.MAX_VALUE;
                long total = estimated ? steps : 1_000_000;
                long scheduleMark = start;
                long scheduleMarkStep = 0;
                double evalSecondsPerRun = 60;
                while (trainer.step() < total) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    if (elapsed > minutes * 60) {
                        System.out.printf(Locale.ROOT, "time budget of %.1f min reached at step %d%n", minutes, trainer.step());
                        break;
                    }
                    Trainer.StepResult r = trainer.trainStep();
                    lastLoss = r.loss();
                    ema = Double.isNaN(ema) ? r.loss() : 0.98 * ema + 0.02 * r.loss();
                    if (!Double.isNaN(r.pointerLoss())) {
                        pointerEma = Double.isNaN(pointerEma) ? r.pointerLoss() : 0.98 * pointerEma + 0.02 * r.pointerLoss();
                        hitsEma = Double.isNaN(hitsEma) ? r.pointerHits() : 0.98 * hitsEma + 0.02 * r.pointerHits();
                    }
                    tokens += r.tokens();
                    windowTokens += r.tokens();
                    if (!estimated && (r.step() == 20 || r.step() % 50 == 0)) {
                        // Timed run: fit the schedule to the remaining budget from the recent step time (the
                        // machine may be shared, so the estimate is refreshed every 50 steps).
                        long now = System.nanoTime();
                        double perStep = r.step() == 20 ? ((now - start) / 1e9 - evalSeconds) / 20
                                : (now - scheduleMark) / 1e9 / (r.step() - scheduleMarkStep);
                        double left = minutes * 60 * 0.97 - (now - start) / 1e9 - finalEval * 2.0;
                        double perStepWithEval = perStep + (evalEvery > 0 ? evalSecondsPerRun / evalEvery : 0);
                        total = Math.max(r.step() + 1, r.step() + (long) (Math.max(0, left) / perStepWithEval));
                        trainer.setTotalSteps(total);
                        scheduleMark = now;
                        scheduleMarkStep = r.step();
                        if (r.step() == 20) {
                            System.out.printf(Locale.ROOT, "%.2f s/step: schedule set to %d steps (refreshed every 50)%n", perStep, total);
                        }
                    }
                    if (r.step() % logEvery == 0 || r.step() == 1) {
                        double now = (System.nanoTime() - start) / 1e9;
                        double window = (System.nanoTime() - windowStart) / 1e9;
                        double rate = (now - evalSeconds) / r.step();
                        double eta = (total - r.step()) * rate;
                        System.out.printf(Locale.ROOT,
                                "step %d/%d loss %.4f (ema %.4f) lr %.2e grad %.2f gen %d tok/s %.0f elapsed %s eta %s rss %d MB%s%n",
                                r.step(), total, r.loss(), ema, r.learningRate(), r.gradNorm(), r.genLength(),
                                windowTokens / window, clock(now), clock(eta), rssMb(), Double.isNaN(pointerEma) ? ""
                                        : String.format(Locale.ROOT, " pointer %.3f (ema %.3f) hits %.2f", r.pointerLoss(), pointerEma, hitsEma));
                        windowStart = System.nanoTime();
                        windowTokens = 0;
                    }
                    if (evalEvery > 0 && r.step() % evalEvery == 0 && r.step() < total) {
                        long t0 = System.nanoTime();
                        try (LladaModel model = trainer.inferenceModel()) {
                            Evaluation e = evaluator.evaluate(model, evalTasks.subList(0, evalCount));
                            System.out.printf(Locale.ROOT, "eval @%d: %s%n", r.step(), e.summary());
                        }
                        evalSecondsPerRun = (System.nanoTime() - t0) / 1e9;
                        evalSeconds += evalSecondsPerRun;
                        scheduleMark += System.nanoTime() - t0;
                    }
                }
                trainer.save(out, dtype);
                double trainSeconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "saved %s after %d steps, %s%n", out, trainer.step(), clock(trainSeconds));
                Evaluation finalEvaluation = null;
                if (finalEval > 0) {
                    try (LladaModel model = trainer.inferenceModel()) {
                        finalEvaluation = evaluator.evaluate(model, evalTasks.subList(0, finalEval));
                    }
                    System.out.printf(Locale.ROOT, "final eval: %s%n", finalEvaluation.summary());
                    System.out.printf(Locale.ROOT, "fields: %s%n", finalEvaluation.fieldSummary());
                    for (Evaluation.Outcome o : finalEvaluation.outcomes().subList(0, Math.min(6, finalEvaluation.outcomes().size()))) {
                        System.out.printf(Locale.ROOT, "  [%s] %s%n    expected %s%n    decoded  %s%n", o.correct() ? "ok" : "XX",
                                o.task().prompt(), o.task().answer(), o.decoded());
                    }
                }
                writeTrainingJson(out, config, trainer.options(), args, familyWeights, trainer.step(), lastLoss, ema, tokens,
                        trainSeconds, finalEvaluation, evalTasks);
            }
        } finally {
            try (var files = Files.list(tokenizerDir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(tokenizerDir);
        }
    }

    /**
     * One held-out user prompt per plain-text family (what {@code ModelCard} offers users of an empty answer);
     * structured families need their schema or tools besides the prompt, so they have none.
     */
    static JsonObject examples(List<Task> heldOut) {
        JsonObject examples = new JsonObject();
        for (Task task : heldOut) {
            if (!task.structured() && !examples.has(task.family())) {
                examples.addProperty(task.family(), task.prompt());
            }
        }
        return examples;
    }

    /** Parses {@code name=k,name=k}; the empty string means all weights 1. */
    static Map<String, Integer> familyWeights(String spec) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] kv = entry.split("=");
            try {
                if (kv.length != 2) {
                    throw new NumberFormatException();
                }
                weights.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--family-weights takes name=integer pairs separated by commas, "
                        + "e.g. query=2; got '" + spec + "'");
            }
        }
        return weights;
    }

    private static void writeTrainingJson(Path out, LladaConfig config, TrainOptions options, Args args,
            Map<String, Integer> familyWeights, long steps, double lastLoss, double emaLoss, long tokens, double seconds,
            Evaluation evaluation, List<Task> heldOut) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("trainer", "dev.elasticcache.lab.train.TrainMain");
        o.addProperty("objective", "LLaDA SFT: response-only masking with p = (1 - 1e-3) t + 1e-3, t ~ U(0, 1); "
                + "loss = mean over sequences of sum over masked tokens of CE / (p * response length)");
        o.addProperty("seed", options.seed());
        o.addProperty("parameters", LladaTensorLayout.parameterCount(config));
        JsonObject hp = new JsonObject();
        hp.addProperty("d_model", config.dModel());
        hp.addProperty("n_layers", config.nLayers());
        hp.addProperty("n_heads", config.nHeads());
        hp.addProperty("mlp_hidden_size", config.mlpHiddenSize());
        hp.addProperty("batch", options.batch());
        hp.addProperty("peak_lr", options.peakLr());
        hp.addProperty("warmup_steps", options.warmupSteps());
        hp.addProperty("schedule_steps", options.totalSteps());
        hp.addProperty("min_lr_ratio", options.minLrRatio());
        hp.addProperty("weight_decay", options.weightDecay());
        hp.addProperty("beta1", options.beta1());
        hp.addProperty("beta2", options.beta2());
        hp.addProperty("clip_norm", options.clipNorm());
        hp.addProperty("gen_length", options.genLength());
        hp.addProperty("long_gen_length", options.longGenLength());
        hp.addProperty("long_fraction", options.longFraction());
        hp.addProperty("short_fraction", options.shortFraction());
        hp.addProperty("canvas_fraction", options.canvasFraction());
        hp.addProperty("init_std", options.initStd());
        hp.addProperty("chat_template", args.get("chat-template", "llada"));
        hp.addProperty("pointer_weight", args.getDouble("pointer-weight", 0));
        hp.addProperty("pointer_from_layer", args.getInt("pointer-from-layer", 1));
        hp.addProperty("mask_floor", args.getDouble("mask-floor", 0));
        hp.addProperty("name_decision", args.getDouble("name-decision", 0));
        hp.addProperty("whole_values", args.getDouble("whole-values", 0));
        hp.addProperty("partial_values", args.getDouble("partial-values", 0));
        if (args.has("init")) {
            hp.addProperty("continued_from", args.get("init", null));
        }
        o.add("hyperparameters", hp);
        o.addProperty("tasks", String.join(", ", TaskSuite.named(args.get("suite", "standard")).familyNames()));
        o.add("examples", examples(heldOut));
        if (!familyWeights.isEmpty()) {
            JsonObject weights = new JsonObject();
            familyWeights.forEach(weights::addProperty);
            o.add("family_weights", weights);
        }
        o.addProperty("steps", steps);
        o.addProperty("tokens", tokens);
        o.addProperty("train_seconds", Math.round(seconds));
        o.addProperty("final_loss", lastLoss);
        o.addProperty("final_loss_ema", emaLoss);
        if (evaluation != null) {
            JsonObject ev = new JsonObject();
            ev.addProperty("decoder", "llada, gen_length 128, block_length 32, one token per step");
            ev.addProperty("prompts", evaluation.outcomes().size());
            ev.addProperty("exact_match", evaluation.accuracy());
            JsonObject fam = new JsonObject();
            evaluation.familyAccuracy().forEach(fam::addProperty);
            ev.add("per_family", fam);
            o.add("evaluation", ev);
        }
        Files.writeString(out.resolve("training.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n", StandardCharsets.UTF_8);
    }

    static String clock(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
