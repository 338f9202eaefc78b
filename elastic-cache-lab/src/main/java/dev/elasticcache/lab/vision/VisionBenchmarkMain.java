package dev.elasticcache.lab.vision;

import dev.elasticcache.DjlDefaults;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.lab.Args;
import dev.elasticcache.vision.LladaVisionEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Elastic-Cache against the baselines on the vision-language model, in one run: held-out reading tasks sent to
 * the engine with their image, strategies interleaved task by task; accuracy, answer tokens/s (median over
 * tasks), speed-up against {@code llada}, NFE, share of recomputed layers, and the vision tower's share of a
 * request's time (the tower timed alone on the same images); then exact answers per text length and glyph scale.
 *
 * <pre>
 * --model DIR      a LLaDA-V folder (default: the embedded tiny-llada-v)
 * --tasks 60 --strategies llada,fast-dllm-dual,elastic --seed 0x5EEDE7A1
 * </pre>
 */
public final class VisionBenchmarkMain {
    private static final Set<String> OPTIONS = Set.of("model", "tasks", "strategies", "seed");

    private VisionBenchmarkMain() {
    }

    private record Sample(boolean correct, double tokensPerSecond, int nfe, double recompute, double seconds) {}

    public static void main(String[] argv) {
        DjlDefaults.apply();
        Args args = Args.parse(argv, OPTIONS);
        Path folder = args.has("model") ? Path.of(args.get("model", null)) : EmbeddedModel.folder(EmbeddedModel.VISION_NAME);
        int count = args.getInt("tasks", 60);
        List<String> strategies = List.of(args.get("strategies", "llada,fast-dllm-dual,elastic").split(","));
        long seed = args.has("seed") ? Long.decode(args.get("seed", null)) : 0x5EED_E7A1L;
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        Map<String, SortedMap<String, ReadingEvaluation.Tally>> byKind = new LinkedHashMap<>();
        List<Double> towerSeconds = new ArrayList<>();
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).maxBatchSize(1).build());
                LladaVisionEncoder tower = LladaVisionEncoder.load(folder)) {
            List<ReadingTask> tasks = ReadingTask.evaluation(tower.config().tower().imageSize(), count, seed);
            // one warm-up request per strategy, not measured
            for (String s : strategies) {
                engine.generate(ReadingEvaluation.request(tasks.get(0), ReadingEvaluation.options(s)));
            }
            for (ReadingTask task : tasks) {
                for (String s : strategies) {
                    DecodingOptions options = ReadingEvaluation.options(s);
                    long start = System.nanoTime();
                    GenerationResult r = engine.generate(ReadingEvaluation.request(task, options));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    boolean right = ReadingEvaluation.exact(task, r);
                    samples.computeIfAbsent(s, k -> new ArrayList<>()).add(new Sample(right,
                            r.stats().answerTokens() / seconds, r.stats().nfe(), r.stats().recomputeFraction(), seconds));
                    byKind.computeIfAbsent(s, k -> new TreeMap<>()).merge(task.kind(), ReadingEvaluation.Tally.of(right),
                            ReadingEvaluation.Tally::plus);
                }
                long start = System.nanoTime();
                tower.encode(task.image());
                towerSeconds.add((System.nanoTime() - start) / 1e9);
            }
        }
        double tower = median(towerSeconds);
        double baseline = median(samples.get(strategies.get(0)).stream().map(Sample::tokensPerSecond).toList());
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "model %s, %d held-out reading tasks, gen length 32 in one block;"
                + " vision tower alone: %.1f ms an image (median)%n%n", folder.getFileName(), count, tower * 1000));
        md.append("| strategy | accuracy | tokens/s (median) | speed-up vs ").append(strategies.get(0))
                .append(" | NFE (median) | layers recomputed | request ms (median) | vision tower share |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            List<Sample> list = e.getValue();
            double tps = median(list.stream().map(Sample::tokensPerSecond).toList());
            double ms = median(list.stream().map(Sample::seconds).toList());
            md.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f | %.2fx | %.0f | %.1f%% | %.1f | %.1f%% |%n", e.getKey(),
                    100.0 * list.stream().filter(Sample::correct).count() / list.size(), tps, tps / baseline,
                    median(list.stream().map(s -> (double) s.nfe()).toList()),
                    100 * list.stream().mapToDouble(Sample::recompute).average().orElse(0), ms * 1000, 100 * tower / ms));
        }
        // Where the misses are: exact answers per text length and glyph scale, strategies side by side.
        md.append("\n| text, glyph scale |");
        strategies.forEach(s -> md.append(' ').append(s).append(" |"));
        md.append("\n|---|").append("---|".repeat(strategies.size())).append('\n');
        for (String kind : byKind.get(strategies.get(0)).keySet()) {
            md.append("| ").append(kind).append(" |");
            strategies.forEach(s -> md.append(' ').append(byKind.get(s).get(kind)).append(" |"));
            md.append('\n');
        }
        System.out.print(md);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
