package dev.elasticcache.lab.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskEncoding;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.TensorOps;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static LladaTokenizer tokenizer;
    private static TaskEncoding encoding;

    @TempDir
    Path dir;

    @BeforeAll
    static void openTokenizer(@TempDir Path tokenizerDir) {
        TinyTokenizerFiles.write(tokenizerDir);
        tokenizer = LladaTokenizer.open(tokenizerDir);
        encoding = new TaskEncoding(tokenizer);
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private static LladaConfig tinyConfig() {
        return LladaConfig.builder().dModel(32).nHeads(4).nLayers(2).mlpHiddenSize(64)
                .vocabSize(TinyTokenizerFiles.VOCAB_SIZE).maskTokenId(TinyTokenizerFiles.MASK_ID)
                .eosTokenId(TinyTokenizerFiles.EOS_ID).ropeTheta(10000).maxSequenceLength(1024).build();
    }

    private static TrainOptions options(long seed) {
        // short responses keep the test fast; one in four batches uses the long padding
        return options(seed, 128, 192, 0.5);
    }

    private static TrainOptions options(long seed, int genLength, int longGenLength, double canvasFraction) {
        return new TrainOptions(seed, 4, 20, 5e-3, 2, 0.1, 0.01, 0.9, 0.98, 1.0, genLength, longGenLength, 0.25, 0.02,
                0.25, canvasFraction);
    }

    /** A fixed batch from held-out prompts with a fixed masking, to compare losses before and after training. */
    private static List<MaskedSequence> fixedBatch(LladaConfig config) {
        MaskingObjective objective = new MaskingObjective(config.maskTokenId());
        Random random = new Random(99);
        List<MaskedSequence> out = new ArrayList<>();
        for (Task t : TaskSuite.standard().evaluation(6)) {
            int[] prompt = encoding.promptIds(t);
            int[] clean = MaskingObjective.cleanSequence(prompt, encoding.answerIds(t), tokenizer.eotTokenId(),
                    config.eosTokenId(), 128);
            out.add(objective.mask(clean, prompt.length, 0.5, random));
        }
        return out;
    }

    @Test
    void lossFallsAndTheCheckpointReadsBackWithIdenticalWeights() {
        LladaConfig config = tinyConfig();
        List<MaskedSequence> probe = fixedBatch(config);
        Path folder = dir.resolve("model");
        Map<String, float[]> trained;
        float[] trainerLogits;
        int[] ids = encoding.promptIds(TaskSuite.standard().evaluation(1).get(0));
        try (Trainer trainer = new Trainer(config, options(3), TaskSuite.standard(), encoding)) {
            double before = trainer.loss(probe);
            double firstSteps = 0;
            double lastSteps = 0;
            for (int i = 0; i < 20; i++) {
                Trainer.StepResult r = trainer.trainStep();
                assertThat(r.loss()).isFinite();
                assertThat(r.gradNorm()).isFinite();
                firstSteps += i < 5 ? r.loss() : 0;
                lastSteps += i >= 15 ? r.loss() : 0;
            }
            double after = trainer.loss(probe);
            assertThat(after).isLessThan(0.7 * before);
            assertThat(lastSteps).isLessThan(firstSteps);
            trainer.save(folder, DType.F32);
            trained = trainer.weights();
            try (LladaModel model = trainer.inferenceModel(); NDManager scope = model.manager().newSubManager()) {
                trainerLogits = model.forward(TensorOps.indices(scope, ids)).toFloatArray();
            }
        }
        assertThat(folder.resolve("config.json")).exists();
        assertThat(folder.resolve("model.safetensors")).exists();
        assertThat(folder.resolve("tokenizer.json")).exists();
        assertThat(folder.resolve("tokenizer_config.json")).exists();
        try (LladaCheckpoint checkpoint = LladaCheckpoint.open(folder)) {
            assertThat(checkpoint.config()).isEqualTo(config);
            CheckpointReader reader = checkpoint.reader();
            assertThat(reader.tensorNames()).containsExactlyInAnyOrderElementsOf(trained.keySet());
            trained.forEach((name, data) -> assertThat(reader.readFloats(name)).as(name).containsExactly(data));
        }
        try (LladaModel loaded = LladaModel.load(folder); NDManager scope = loaded.manager().newSubManager()) {
            assertThat(((dev.elasticcache.model.weights.ResidentEmbedding) loaded.weights().embedding()).table().toFloatArray()).containsExactly(trained.get("model.transformer.wte.weight"));
            assertClose(loaded.forward(TensorOps.indices(scope, ids)).toFloatArray(), trainerLogits, 1e-4f);
        }
    }

    @Test
    void trainingIsDeterministicFromTheSeed() {
        LladaConfig config = tinyConfig();
        double[][] losses = new double[2][3];
        List<Map<String, float[]>> weights = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (Trainer trainer = new Trainer(config, options(8), TaskSuite.standard(), encoding)) {
                for (int i = 0; i < 3; i++) {
                    losses[run][i] = trainer.trainStep().loss();
                }
                weights.add(trainer.weights());
            }
        }
        assertThat(losses[1]).containsExactly(losses[0]);
        weights.get(0).forEach((name, data) -> assertThat(weights.get(1).get(name)).as(name).containsExactly(data));
    }

    /** Masked positions of 40 json sequences whose target is the EOS padding after the answer's end of turn. */
    private static int maskedPadding(double canvasFraction) {
        TaskSuite jsonOnly = TaskSuite.shipped().weighted(Map.of("uppercase", 0, "complement", 0, "query", 0,
                "tool", 0, "tool-answer", 0));
        int count = 0;
        try (Trainer trainer = new Trainer(tinyConfig(), options(5, 192, 256, canvasFraction), jsonOnly, encoding)) {
            for (int b = 0; b < 10; b++) {
                for (MaskedSequence s : trainer.nextBatch()) {
                    for (int i = s.promptLength(); i < s.length(); i++) {
                        if (s.input()[i] == TinyTokenizerFiles.MASK_ID && s.targets()[i] == TinyTokenizerFiles.EOS_ID) {
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    @Test
    void canvasFractionOneMasksOnlyTheSlotsOfStructuredAnswers() {
        // A canvas masks slots only (their filler is not EOS); answers masked as text also mask the EOS padding.
        assertThat(maskedPadding(1.0)).isZero();
        assertThat(maskedPadding(0.0)).isGreaterThan(100);
    }

    @Test
    void initialWeightsAreSmallMatricesAndUnitNorms() {
        Map<String, float[]> w = Trainer.initialWeights(tinyConfig(), 1, 0.02);
        assertThat(w.get("model.transformer.ln_f.weight")).containsOnly(1f);
        float[] q = w.get("model.transformer.blocks.0.q_proj.weight");
        double sq = 0;
        for (float x : q) {
            sq += x * x;
        }
        assertThat(Math.sqrt(sq / q.length)).isBetween(0.017, 0.023);
        float[] out = w.get("model.transformer.blocks.1.attn_out.weight");
        double so = 0;
        for (float x : out) {
            so += x * x;
        }
        assertThat(Math.sqrt(so / out.length)).isBetween(0.006, 0.014); // 0.02 / sqrt(2 * 2 layers)
        assertThat(Trainer.initialWeights(tinyConfig(), 1, 0.02).get("model.transformer.blocks.0.q_proj.weight"))
                .containsExactly(q);
    }

    private static void assertClose(float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > tolerance * Math.max(1, Math.abs(expected[i]))) {
                throw new AssertionError("index " + i + ": " + actual[i] + " vs " + expected[i]);
            }
        }
    }

    /**
     * The pointer loss is {@code -mean log max over (layer >= from, head) of A[b, h, i, source]} over the masked,
     * copied positions: recomputed here in plain Java from the probabilities the forward hands out, on a batch of
     * json and tool canvases (left-padded to one prompt length) whose pointers each name a prompt token equal to
     * the answer token.
     */
    @Test
    void thePointerLossIsTheLogOfTheBestHeadsAttentionToEachSource() {
        LladaConfig config = tinyConfig();
        TrainOptions options = new TrainOptions(5, 8, 60, 1e-2, 2, 1.0, 0.0, 0.9, 0.98, 1.0, 192, 256, 0, 0.2, 1.0, 1.0);
        TaskSuite suite = TaskSuite.tools().weighted(Map.of("tool-answer", 0, "fields", 0));
        Trainer.Structured structured = new Trainer.Structured(1.0, 1, 0.5, 0, 1.0, 0);
        try (Trainer trainer = new Trainer(config, options, suite, encoding)) {
            trainer.setStructured(structured);
            List<MaskedSequence> batch = trainer.nextBatch();
            assertThat(batch).allSatisfy(s -> assertThat(s.supervisedPointers()).isNotEmpty()
                    .allSatisfy(p -> assertThat(s.targets()[p[1]]).isEqualTo(s.targets()[p[0]])));
            try (LladaModel model = trainer.inferenceModel(); NDManager scope = NDManager.newBaseManager()) {
                double[] stats = new double[2];
                Trainer.batchLoss(model, batch, scope, structured, stats);
                int n = Trainer.sequenceLength(batch);
                int[] ids = batch.stream().flatMapToInt(s -> java.util.Arrays.stream(s.input())).toArray();
                float[] bias = new float[ids.length];
                for (int b = 0; b < batch.size(); b++) {
                    java.util.Arrays.fill(bias, b * n, b * n + batch.get(b).leftPadding(), -1e9f);
                }
                List<float[]> layers = new ArrayList<>();
                model.forwardEmbedded(model.embed(TensorOps.indices(scope, ids)), batch.size(),
                        scope.create(bias, new ai.djl.ndarray.types.Shape(1, batch.size(), 1, n)),
                        (layer, probs) -> layers.add(layer >= 1 ? probs.toFloatArray() : null));
                int heads = config.nHeads();
                double sum = 0;
                int count = 0;
                int hits = 0;
                for (int b = 0; b < batch.size(); b++) {
                    for (int[] p : batch.get(b).supervisedPointers()) {
                        double best = 0;
                        for (float[] probs : layers) {
                            for (int h = 0; probs != null && h < heads; h++) {
                                best = Math.max(best, probs[((h * batch.size() + b) * n + p[0]) * n + p[1]]);
                            }
                        }
                        sum += -Math.log(best + 1e-6);
                        hits += best > 0.5 ? 1 : 0;
                        count++;
                    }
                }
                assertThat(stats[0]).isCloseTo(sum / count, org.assertj.core.data.Offset.offset(1e-4));
                assertThat(stats[1]).isCloseTo((double) hits / count, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }
    /**
     * Copied values (runs of consecutive pointers) masked whole are all masks or all shown; with partial values
     * on, a masked value of two or more characters shows 1 to length-1 of them, never none or all.
     */
    @Test
    void wholeValuesAreMaskedWholeAndPartialValuesShowSomeOfTheirCharacters() {
        LladaConfig config = tinyConfig();
        TrainOptions options = new TrainOptions(5, 8, 60, 1e-2, 2, 1.0, 0.0, 0.9, 0.98, 1.0, 192, 256, 0, 0.2, 1.0, 1.0);
        TaskSuite suite = TaskSuite.tools().weighted(Map.of("fields", 0));
        int mask = config.maskTokenId();
        for (double partial : new double[] {0, 1}) {
            try (Trainer trainer = new Trainer(config, options, suite, encoding)) {
                trainer.setStructured(new Trainer.Structured(0.3, 1, 0.0, 0, 1.0, partial));
                int partlyShown = 0;
                for (int round = 0; round < 4; round++) {
                    for (MaskedSequence s : trainer.nextBatch()) {
                        for (int[] value : s.copiedValues()) {
                            int masked = 0;
                            for (int j = value[0]; j < value[1]; j++) {
                                masked += s.input()[j] == mask ? 1 : 0;
                            }
                            int length = value[1] - value[0];
                            if (partial == 0 || length == 1) {
                                assertThat(masked).as("value at %d", value[0]).isIn(0, length);
                            } else {
                                assertThat(masked).as("value at %d", value[0]).isNotEqualTo(length);
                                partlyShown += masked > 0 ? 1 : 0;
                            }
                        }
                    }
                }
                if (partial == 1) {
                    assertThat(partlyShown).isPositive();
                }
            }
        }
    }
}
