package dev.elasticcache.lab.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.lab.train.MaskedSequence;
import dev.elasticcache.lab.train.TrainOptions;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorNaming;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import dev.elasticcache.vision.LladaVisionEncoder;
import dev.elasticcache.vision.VisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vision-language trainer against the inference path: the image rows it trains on are the rows the engine's
 * encoder computes from the saved folder, its prompt is the one the engine builds for the same request, and it
 * learns.
 */
class VisionTrainerTest {
    private static final int SIZE = 24;
    private static LladaTokenizer tokenizer;
    private static LladaConfig text;
    private static VisionConfig vision;

    @BeforeAll
    static void setUp() throws Exception {
        Path dir = Files.createTempDirectory("tiny-tokenizer");
        TinyTokenizerFiles.write(dir);
        tokenizer = LladaTokenizer.open(dir);
        text = RandomCheckpoint.tinyConfig().tensorNaming(LladaTensorNaming.LLAMA).build();
        vision = VisionTrainer.visionConfig(SIZE, 8, 16, 32, 2, 2, text.dModel());
    }

    @AfterAll
    static void tearDown() {
        tokenizer.close();
    }

    private static VisionTrainer trainer(double lr) {
        return trainer(lr, 0);
    }

    private static VisionTrainer trainer(double lr, double auxWeight) {
        Map<String, float[]> initial = new LinkedHashMap<>(RandomCheckpoint.weights(text, 11));
        // larger than the training init, so that the image rows differ clearly from image to image
        initial.putAll(VisionTrainer.initialVisionWeights(vision, 12, 0.3));
        TrainOptions options = new TrainOptions(7, 4, 1000, lr, 0, 0.1, 0.0, 0.9, 0.98, 1.0, 8, 8, 0.0, 0.02, 0.0, 0.5);
        return new VisionTrainer(text, vision, options, tokenizer, initial, 1.0, 0, auxWeight);
    }

    @Test
    void imageRowsAreTheEncodersRowsOfTheSavedFolder() throws Exception {
        Path folder = Files.createTempDirectory("vlm");
        List<ReadingTask> tasks = ReadingTask.evaluation(SIZE, 3, 9);
        float[] trained;
        try (VisionTrainer trainer = trainer(1e-3); NDManager scope = NDManager.newBaseManager()) {
            trainer.save(folder, DType.F32);
            trained = trainer.imageRows(tasks, scope).toFloatArray();
        }
        try (LladaVisionEncoder encoder = LladaVisionEncoder.load(folder)) {
            int perImage = trained.length / tasks.size();
            for (int i = 0; i < tasks.size(); i++) {
                float[] expected = encoder.encode(tasks.get(i).image()).data();
                assertThat(expected).hasSize(perImage);
                for (int j = 0; j < perImage; j++) {
                    assertThat((double) trained[i * perImage + j]).as("image %d value %d", i, j)
                            .isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-4 + 1e-4 * Math.abs(expected[j])));
                }
            }
            // different images, different rows: the comparison above is not between constants
            assertThat(encoder.encode(tasks.get(0).image()).data()).isNotEqualTo(encoder.encode(tasks.get(1).image()).data());
        }
    }

    @Test
    void promptIsTheOneTheEngineBuildsForTheRequest() throws Exception {
        Path folder = Files.createTempDirectory("vlm");
        ReadingTask task = ReadingTask.evaluation(SIZE, 1, 4).get(0);
        int[] trainerPrompt;
        int imageStart;
        try (VisionTrainer trainer = trainer(1e-3)) {
            trainer.save(folder, DType.F32);
            MaskedSequence s = trainer.mask(List.of(task), 8).get(0);
            trainerPrompt = java.util.Arrays.copyOf(s.input(), s.promptLength());
            imageStart = -1;
            for (int i = 0; i < trainerPrompt.length && imageStart < 0; i++) {
                imageStart = trainerPrompt[i] == text.maskTokenId() ? i : -1;
            }
        }
        int g = vision.tokensPerSide();
        int rows = g * g + g * (g + 1);
        DecodingOptions options = DecodingOptions.builder().strategy("llada").genLength(8).blockLength(8).steps(0).build();
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).maxBatchSize(1).build())) {
            GenerationResult r = engine.generate(ReadingEvaluation.request(task, options));
            int[] enginePrompt = r.promptIds();
            assertThat(enginePrompt).hasSameSizeAs(trainerPrompt);
            int width = engine.modelInfo().config().embeddingSize();
            for (int i = 0; i < enginePrompt.length; i++) {
                if (i >= imageStart && i < imageStart + rows) {
                    assertThat(enginePrompt[i]).as("image row %d", i - imageStart).isEqualTo(width + i - imageStart);
                } else {
                    assertThat(enginePrompt[i]).as("prompt id %d", i).isEqualTo(trainerPrompt[i]);
                }
            }
        }
    }

    @Test
    void evaluationTalliesEveryTaskUnderItsKind() throws Exception {
        Path folder = Files.createTempDirectory("vlm");
        try (VisionTrainer trainer = trainer(1e-3)) {
            trainer.save(folder, DType.F32);
        }
        List<ReadingTask> tasks = ReadingTask.evaluation(SIZE, 12, 9);
        DecodingOptions options = DecodingOptions.builder().strategy("elastic").genLength(8).blockLength(8).steps(0).build();
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).maxBatchSize(1).build())) {
            ReadingEvaluation e = ReadingEvaluation.run(engine, tasks, options);
            java.util.Map<String, Long> expected = tasks.stream()
                    .collect(java.util.stream.Collectors.groupingBy(ReadingTask::kind, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
            assertThat(e.byKind().keySet()).containsExactlyElementsOf(expected.keySet());
            expected.forEach((kind, n) -> assertThat((long) e.byKind().get(kind).total()).as(kind).isEqualTo(n));
            assertThat(e.byKind().values().stream().mapToInt(ReadingEvaluation.Tally::correct).sum()).isEqualTo(e.correct());
            assertThat(e.total()).isEqualTo(12);
        }
    }

    @Test
    void auxiliaryLossesTrainButAreNotSaved() throws Exception {
        Path folder = Files.createTempDirectory("vlm");
        List<ReadingTask> tasks = ReadingTask.train(SIZE, 5).limit(4).toList();
        try (VisionTrainer plain = trainer(1e-3); VisionTrainer aux = trainer(1e-3, 1.0)) {
            // same weights, so the difference is the auxiliary terms: a probe CE near ln 37 plus 1 - cos near 1
            double extra = aux.evalLoss(tasks, 8) - plain.evalLoss(tasks, 8);
            assertThat(extra).isBetween(2.0, 6.0);
            aux.trainStep(tasks, 8);
            aux.save(folder, DType.F32);
        }
        try (dev.elasticcache.checkpoint.CheckpointReader reader = dev.elasticcache.checkpoint.CheckpointReader.open(folder)) {
            assertThat(reader.tensorNames()).noneMatch(n -> n.startsWith("aux."));
        }
    }

    @Test
    void fitsAFixedBatch() {
        List<ReadingTask> tasks = ReadingTask.train(SIZE, 3).limit(4).toList();
        try (VisionTrainer trainer = trainer(3e-3)) {
            double first = 0;
            double last = 0;
            for (int step = 0; step < 60; step++) {
                double loss = trainer.trainStep(tasks, 8).loss();
                first += step < 5 ? loss : 0;
                last += step >= 55 ? loss : 0;
            }
            assertThat(last).isLessThan(first * 0.4);
        }
    }
}
