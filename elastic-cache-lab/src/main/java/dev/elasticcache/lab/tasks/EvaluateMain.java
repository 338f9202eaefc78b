package dev.elasticcache.lab.tasks;

import dev.elasticcache.DjlDefaults;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.lab.Args;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.tokenizer.LladaTokenizer;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scores a model folder on the held-out split of a task suite (default: the shipped model's six families) by
 * exact match, per family; structured families are decoded as the engine decodes them (infilling, tool choice auto).
 *
 * <pre>
 * --model DIR          model folder (config.json, model.safetensors, tokenizer files)
 * --count N            held-out prompts (default 100)
 * --suite NAME         shipped (default), tools, standard or hard
 * --window N           Elastic-Cache window (default 16)
 * --strategy S         decoder: llada, fast-dllm, fast-dllm-prefix, fast-dllm-dual, elastic (default llada)
 * --gen-length N       generation length (default 128)
 * --block-length N     block length (default 32)
 * --steps N            denoising steps, 0 = one token per step (default 0)
 * --threshold X        confidence threshold of the parallel decoders (default: the decoder's own)
 * --show N             print the first N failures (default 5)
 * --record true        also store the result as "evaluation" in the model folder's training.json
 * </pre>
 */
public final class EvaluateMain {
    private static final Set<String> OPTIONS = Set.of("model", "count", "strategy", "gen-length", "block-length", "steps",
            "threshold", "show", "record", "suite", "window");

    private EvaluateMain() {}

    public static void main(String[] argv) {
        DjlDefaults.apply();
        Args args = Args.parse(argv, OPTIONS);
        if (!args.has("model")) {
            throw new IllegalArgumentException("--model DIR is required");
        }
        Path folder = Path.of(args.get("model", null));
        int count = args.getInt("count", 100);
        int show = args.getInt("show", 5);
        DecodingOptions.Builder b = DecodingOptions.builder()
                .strategy(args.get("strategy", "llada"))
                .genLength(args.getInt("gen-length", 128))
                .blockLength(args.getInt("block-length", 32))
                .steps(args.getInt("steps", 0));
        if (args.has("threshold")) {
            b.threshold(args.getDouble("threshold", 0.9));
        }
        if (args.has("window")) {
            b.windowLength(args.getInt("window", 16));
        }
        DecodingOptions options = b.build();
        List<Task> tasks = TaskSuite.named(args.get("suite", "shipped")).evaluation(count);
        try (LladaModel model = LladaModel.load(folder); LladaTokenizer tokenizer = LladaTokenizer.open(folder)) {
            Evaluator evaluator = new Evaluator(new TaskEncoding(tokenizer,
                    dev.elasticcache.structured.InfillSettings.read(folder)), options);
            System.out.printf(Locale.ROOT, "model %s, %d held-out prompts, strategy %s, gen length %d, block %d, steps %d%n",
                    folder, count, options.strategy(), options.genLength(), options.blockLength(), options.resolvedSteps());
            Evaluation e = evaluator.evaluate(model, tasks);
            e.perFamily().forEach((family, c) -> System.out.printf(Locale.ROOT, "%-8s %3d/%3d = %5.1f%%%n", family, c[0], c[1],
                    100.0 * c[0] / c[1]));
            System.out.printf(Locale.ROOT, "overall  %3d/%3d = %5.1f%%  (%.1f s, %.2f s per prompt)%n", e.correct(),
                    e.outcomes().size(), 100 * e.accuracy(), e.seconds(), e.seconds() / Math.max(1, e.outcomes().size()));
            if (!e.perField().isEmpty()) {
                System.out.printf(Locale.ROOT, "fields   %s%n", e.fieldSummary());
            }
            if (Boolean.parseBoolean(args.get("record", "false"))) {
                record(folder.resolve("training.json"), e, options);
            }
            int shown = 0;
            for (Evaluation.Outcome o : e.outcomes()) {
                if (!o.correct() && shown++ < show) {
                    System.out.printf(Locale.ROOT, "  miss [%s] %s%n    expected %s%n    decoded  %s%n", o.task().family(),
                            o.task().prompt(), o.task().answer(), o.decoded());
                }
            }
        }
    }

    /** Writes {@code e} as the "evaluation" object of a training.json (created if missing). */
    static void record(Path trainingJson, Evaluation e, DecodingOptions options) {
        try {
            JsonObject root = Files.isRegularFile(trainingJson)
                    ? JsonParser.parseString(Files.readString(trainingJson, StandardCharsets.UTF_8)).getAsJsonObject()
                    : new JsonObject();
            JsonObject ev = new JsonObject();
            ev.addProperty("command", "dev.elasticcache.lab.tasks.EvaluateMain");
            ev.addProperty("decoder", options.strategy() + ", gen_length " + options.genLength() + ", block_length "
                    + options.blockLength() + ", steps " + options.resolvedSteps());
            ev.addProperty("split", "held-out (TaskSuite.evaluation, seed " + TaskSuite.EVALUATION_SEED + ")");
            ev.addProperty("prompts", e.outcomes().size());
            ev.addProperty("exact_match", e.accuracy());
            JsonObject fam = new JsonObject();
            e.familyAccuracy().forEach(fam::addProperty);
            ev.add("per_family", fam);
            JsonObject fields = new JsonObject();
            e.perField().forEach((f, c) -> fields.addProperty(f, (double) c[0] / c[1]));
            if (fields.size() > 0) {
                ev.add("per_field", fields);
            }
            root.add("evaluation", ev);
            Files.writeString(trainingJson, new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(trainingJson + ": " + ex.getMessage(), ex);
        }
    }
}
