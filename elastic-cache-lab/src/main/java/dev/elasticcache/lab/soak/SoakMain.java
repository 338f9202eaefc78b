package dev.elasticcache.lab.soak;

import dev.elasticcache.DjlDefaults;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationListener;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.lab.Args;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.tokenizer.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Native-memory soak: many generations through one engine, cycling every strategy and mixing in cancelled
 * requests, while printing the live NDArray count and the process RSS. After warm-up both must stay flat.
 * {@code --concurrency N} submits the generations in waves of N at once (a batch, with max-batch-size >= N).
 */
public final class SoakMain {
    private SoakMain() {}

    public static void main(String[] argv) throws Exception {
        DjlDefaults.apply();
        Args args = Args.parse(argv, Set.of("model", "generations", "report-every", "gen-length", "concurrency", "max-batch-size"));
        int concurrency = args.getInt("concurrency", 1);
        int generations = args.getInt("generations", 500);
        int every = args.getInt("report-every", 50);
        int genLength = args.getInt("gen-length", 128);
        EngineConfig config = EngineConfig.builder()
                .modelDir(args.has("model") ? Path.of(args.get("model", null)) : null)
                .maxBatchSize(args.getInt("max-batch-size", EngineConfig.DEFAULT_MAX_BATCH_SIZE)).queueCapacity(concurrency).build();
        List<Task> tasks = TaskSuite.standard().evaluation(20);
        Strategy[] strategies = Strategy.values();
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(config)) {
            int weights = engine.model().manager().getManagedArrays().size();
            List<long[]> samples = new ArrayList<>();
            int cancelled = 0;
            long start = System.nanoTime();
            for (int wave = 1; wave <= generations; wave += concurrency) {
                // A wave of `concurrency` requests submitted together (decoded as one batch when max-batch-size allows).
                List<GenerationHandle> handles = new ArrayList<>();
                for (int i = wave; i < wave + concurrency && i <= generations; i++) {
                    Task task = tasks.get(i % tasks.size());
                    DecodingOptions options = DecodingOptions.builder().strategy(strategies[i % strategies.length])
                            .genLength(genLength).build();
                    GenerationRequest request = GenerationRequest.builder()
                            .messages(List.of(ChatMessage.user(task.prompt()))).options(options).build();
                    if (i % 10 == 0) {
                        // Every tenth request is cancelled after its first step.
                        GenerationHandle[] handle = new GenerationHandle[1];
                        handle[0] = engine.submit(request, new GenerationListener() {
                            @Override public void onStep(dev.elasticcache.decode.StepRecord step) {
                                while (handle[0] == null) {
                                    Thread.onSpinWait();
                                }
                                handle[0].cancel();
                            }
                        });
                        handles.add(handle[0]);
                    } else {
                        handles.add(engine.submit(request, null));
                    }
                }
                for (GenerationHandle h : handles) {
                    try {
                        h.result().join();
                    } catch (CancellationException | CompletionException e) {
                        cancelled++;
                    }
                }
                int done = Math.min(generations, wave + concurrency - 1);
                if (done / every != (wave - 1) / every || done == generations) {
                    int live = engine.model().manager().getManagedArrays().size();
                    long rss = rssKb();
                    samples.add(new long[] {done, live, rss});
                    System.out.printf(Locale.ROOT, "generation %4d: live NDArrays %d (weights %d), RSS %.1f MiB, %.1f s%n",
                            done, live, weights, rss / 1024.0, (System.nanoTime() - start) / 1e9);
                }
            }
            long[] warm = samples.get(Math.min(1, samples.size() - 1));
            long[] last = samples.get(samples.size() - 1);
            long maxLive = samples.stream().mapToLong(s -> s[1]).max().orElse(0);
            System.out.printf(Locale.ROOT, "summary: %d generations (%d cancelled), live NDArrays max %d vs weights %d;"
                            + " RSS after warm-up (generation %d) %.1f MiB, at the end %.1f MiB (%+.1f MiB)%n",
                    generations, cancelled, maxLive, weights, warm[0], warm[2] / 1024.0, last[2] / 1024.0,
                    (last[2] - warm[2]) / 1024.0);
        }
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
