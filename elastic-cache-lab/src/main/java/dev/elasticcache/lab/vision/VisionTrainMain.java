package dev.elasticcache.lab.vision;

import com.google.gson.JsonObject;
import dev.elasticcache.DjlDefaults;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.lab.Args;
import dev.elasticcache.lab.train.TrainOptions;
import dev.elasticcache.lab.train.Trainer;
import dev.elasticcache.model.ConfigJson;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorNaming;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.vision.VisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Trains the small vision-language model on the {@link ReadingTask}, saving a LLaDA-V folder every few minutes
 * (continue an interrupted run with {@code --init} that folder), then scores it on held-out images with
 * {@code llada} and {@code elastic} through the engine.
 *
 * <pre>
 * --out DIR              the LLaDA-V folder to write (required)
 * --minutes M | --steps N  budget (the learning-rate schedule is fitted to the minutes after the first steps)
 * --schedule-steps N     length of the cosine schedule instead (to repeat a timed run step for step)
 * --text DIR             the language model to start from (default: the embedded tiny-llada)
 * --init DIR             continue from a vision-language folder this command wrote
 * --image-size 48 --patch 8 --vision-hidden 128 --vision-mlp 256 --vision-layers 3 --vision-heads 4
 * --batch 16 --lr 1e-3 --warmup 100 --seed 1 --gen-length 16 --long-gen 64 --long-fraction 0.3
 * --vision-lr-scale 1   learning rate of the vision half relative to the language model's
 * --curriculum C         one-character images for the first C steps, up to two for the next C (0: none)
 * --aux-weight W         weight of the auxiliary losses on the vision half (patch probe, alignment to the
 *                        characters' embeddings; training only, nothing of them is saved)
 * --save-every 10 (minutes) --final-eval 100 --log-every 20 --dtype BF16
 * </pre>
 */
public final class VisionTrainMain {
    private static final Set<String> OPTIONS = Set.of("out", "minutes", "steps", "text", "init", "image-size", "patch",
            "vision-hidden", "vision-mlp", "vision-layers", "vision-heads", "batch", "lr", "warmup", "seed", "gen-length",
            "long-gen", "long-fraction", "save-every", "final-eval", "log-every", "dtype", "vision-lr-scale", "curriculum", "schedule-steps", "aux-weight");

    private VisionTrainMain() {
    }

    public static void main(String[] argv) throws Exception {
        DjlDefaults.apply();
        Args args = Args.parse(argv, OPTIONS);
        if (!args.has("out") || !(args.has("minutes") || args.has("steps"))) {
            throw new IllegalArgumentException("give --out DIR and --minutes M or --steps N");
        }
        Path out = Path.of(args.get("out", null));
        double minutes = args.getDouble("minutes", Double.POSITIVE_INFINITY);
        long steps = args.getLong("steps", Long.MAX_VALUE);
        long seed = args.getLong("seed", 1);
        DType dtype = DType.valueOf(args.get("dtype", "BF16").toUpperCase(Locale.ROOT));

        LladaConfig text;
        VisionConfig vision;
        Map<String, float[]> initial;
        if (args.has("init")) {
            Path init = Path.of(args.get("init", null));
            try (LladaCheckpoint c = LladaCheckpoint.open(init)) {
                text = c.config();
            }
            vision = VisionConfig.read(init.resolve("config.json"));
            initial = readAll(init, VisionTrainer.shapes(text, vision).keySet());
        } else {
            Path textDir = args.has("text") ? Path.of(args.get("text", null)) : EmbeddedModel.folder();
            LladaConfig textConfig;
            try (LladaCheckpoint c = LladaCheckpoint.open(textDir)) {
                textConfig = c.config();
            }
            text = llamaNamed(textConfig);
            vision = VisionTrainer.visionConfig(args.getInt("image-size", 48), args.getInt("patch", 8),
                    args.getInt("vision-hidden", 128), args.getInt("vision-mlp", 256), args.getInt("vision-layers", 3),
                    args.getInt("vision-heads", 4), text.dModel());
            initial = new LinkedHashMap<>(VisionTrainer.renamed(Trainer.readWeights(textDir), textConfig, text));
            initial.putAll(VisionTrainer.initialVisionWeights(vision, seed, 0.02));
        }
        long schedule = args.getLong("schedule-steps", steps == Long.MAX_VALUE ? 1_000_000 : steps);
        TrainOptions d = TrainOptions.defaults(seed, schedule);
        TrainOptions options = new TrainOptions(seed, args.getInt("batch", 16), d.totalSteps(), args.getDouble("lr", 1e-3),
                args.getInt("warmup", 100), d.minLrRatio(), d.weightDecay(), d.beta1(), d.beta2(), d.clipNorm(),
                args.getInt("gen-length", 16), args.getInt("long-gen", 64), args.getDouble("long-fraction", 0.3),
                d.initStd(), 0, d.canvasFraction());
        double saveEvery = args.getDouble("save-every", 10) * 60;
        int logEvery = args.getInt("log-every", 20);
        int finalEval = args.getInt("final-eval", 100);

        Path tokenizerDir = Files.createTempDirectory("tiny-tokenizer");
        dev.elasticcache.tokenizer.TinyTokenizerFiles.write(tokenizerDir);
        long start = System.nanoTime();
        try (LladaTokenizer tokenizer = LladaTokenizer.open(tokenizerDir);
                VisionTrainer trainer = new VisionTrainer(text, vision, options, tokenizer, initial,
                        args.getDouble("vision-lr-scale", 1.0), args.getLong("curriculum", 0), args.getDouble("aux-weight", 0))) {
            System.out.printf(Locale.ROOT, "vision %s; prompt %d tokens; options %s%n", vision.tower(), trainer.promptLength(),
                    options);
            double ema = Double.NaN;
            double lastSave = 0;
            boolean fitted = !Double.isFinite(minutes) || args.has("schedule-steps");
            while (trainer.step() < steps) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (elapsed > minutes * 60) {
                    System.out.printf(Locale.ROOT, "time budget of %.1f min reached at step %d%n", minutes, trainer.step());
                    break;
                }
                if (!fitted && trainer.step() == 50) {
                    // Fit the cosine schedule to the budget once the step time is known.
                    long total = (long) (50 * (minutes * 60 * 0.97) / elapsed);
                    trainer.setTotalSteps(Math.min(total, steps));
                    fitted = true;
                    System.out.printf(Locale.ROOT, "schedule fitted: %d steps (%.2f s a step)%n", total, elapsed / 50);
                }
                VisionTrainer.StepResult r = trainer.trainStep();
                ema = Double.isNaN(ema) ? r.loss() : 0.98 * ema + 0.02 * r.loss();
                if (r.step() % logEvery == 0 || r.step() == 1) {
                    System.out.printf(Locale.ROOT, "step %d loss %.4f ema %.4f lr %.2e grad %.2f gen %d %s%n", r.step(), r.loss(),
                            ema, r.learningRate(), r.gradNorm(), r.genLength(), clock(elapsed));
                }
                if (elapsed - lastSave > saveEvery) {
                    save(trainer, out, dtype, argv, start);
                    lastSave = elapsed;
                }
            }
            save(trainer, out, dtype, argv, start);
        }
        if (finalEval > 0) {
            List<ReadingTask> heldOut = ReadingTask.evaluation(vision.tower().imageSize(), finalEval, 0x5EED_E7A1L);
            JsonObject results = new JsonObject();
            try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(out).build())) {
                for (String strategy : List.of("llada", "elastic")) {
                    ReadingEvaluation e = ReadingEvaluation.run(engine, heldOut, ReadingEvaluation.options(strategy));
                    System.out.printf(Locale.ROOT, "held-out %s: %d/%d exact (%.1f%%), %.1f s; by kind %s; misses %s%n", strategy,
                            e.correct(), e.total(), 100 * e.accuracy(), e.seconds(), e.byKind(), e.misses());
                    results.addProperty(strategy, e.accuracy());
                }
            }
            JsonObject card = ConfigJson.readObject(out.resolve("training.json"), "training.json");
            card.add("held_out_exact_match", results);
            card.addProperty("held_out_count", finalEval);
            ConfigJson.write(out.resolve("training.json"), card);
        }
    }

    /** Saves the folder and its training.json (what it learnt, how). */
    private static void save(VisionTrainer trainer, Path out, DType dtype, String[] argv, long start) {
        trainer.save(out, dtype);
        JsonObject card = new JsonObject();
        card.addProperty("tasks", "read-image");
        JsonObject examples = new JsonObject();
        examples.addProperty("read-image", ReadingTask.QUESTION + " (with an image of one to three letters or digits)");
        card.add("examples", examples);
        card.addProperty("steps", trainer.step());
        card.addProperty("minutes", (System.nanoTime() - start) / 6e10);
        card.addProperty("command", "VisionTrainMain " + String.join(" ", argv));
        ConfigJson.write(out.resolve("training.json"), card);
        System.out.printf(Locale.ROOT, "saved %s after %d steps%n", out, trainer.step());
    }

    private static Map<String, float[]> readAll(Path folder, Set<String> names) {
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String name : names) {
                out.put(name, reader.readFloats(name));
            }
            return out;
        }
    }

    /** The same language model under LLaDA-V's Llama-style tensor names. */
    static LladaConfig llamaNamed(LladaConfig c) {
        return new LladaConfig(c.dModel(), c.nHeads(), c.nKvHeads(), c.nLayers(), c.mlpHiddenSize(), c.vocabSize(),
                c.embeddingSize(), c.ropeTheta(), c.rmsNormEps(), c.maskTokenId(), c.eosTokenId(), c.padTokenId(),
                c.weightTying(), c.maxSequenceLength(), LladaTensorNaming.LLAMA);
    }

    private static String clock(double seconds) {
        return String.format(Locale.ROOT, "%dm%02ds", (long) seconds / 60, (long) seconds % 60);
    }
}
