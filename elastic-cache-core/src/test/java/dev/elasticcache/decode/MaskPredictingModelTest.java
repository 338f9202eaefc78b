package dev.elasticcache.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.elasticcache.checkpoint.CheckpointWriter;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.LladaCheckpoint;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model whose best token everywhere is the mask token itself. Written back, a mask stays a mask, and the
 * reference's Fast-dLLM block loop ("until the block is full") never ends. The decoders never choose the mask
 * token, so every strategy finishes, with the second-best token, and no mask is left in the answer.
 */
class MaskPredictingModelTest {
    @TempDir
    static Path dir;
    static LladaModel model;

    @BeforeAll
    static void load() {
        LladaConfig config = RandomCheckpoint.tinyConfig().nKvHeads(2).build();
        Map<String, float[]> w = RandomCheckpoint.weights(config, 17);
        float[] head = w.get(LladaTensorLayout.HEAD);
        int d = config.dModel();
        Random r = new Random(19);
        Arrays.fill(head, 0f);
        for (int i = 0; i < d; i++) {
            // Mask and 'b' share a direction (the mask ahead, 'b' second); EOS points the other way.
            float v = (float) Math.abs(3 * r.nextGaussian()) + 1f;
            head[config.maskTokenId() * d + i] = 2 * v;
            head[66 * d + i] = v;
            head[config.eosTokenId() * d + i] = -v;
        }
        CheckpointWriter writer = new CheckpointWriter(DType.F32);
        Map<String, long[]> shapes = LladaTensorLayout.expectedShapes(config);
        w.forEach((name, data) -> writer.add(name, shapes.get(name), data));
        Path folder = dir.resolve("mask");
        writer.writeSingle(folder);
        config.write(folder.resolve(LladaCheckpoint.CONFIG_FILE));
        TinyTokenizerFiles.write(folder);
        model = LladaModel.load(folder);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void everyStrategyFinishesWithoutWritingAMask(Strategy strategy) {
        int[] prompt = {70, 71, 72, 73, 74, 75, 76, 77};
        DecodingOptions options = DecodingOptions.builder().strategy(strategy).genLength(32).blockLength(16)
                .windowLength(8).threshold(0.05).build().validate();
        DecodeResult result = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Decoder.of(strategy).decode(new DecodeRun(model, prompt, options, null, null, true)));
        int[] answer = Arrays.copyOfRange(result.sequence(), prompt.length, result.sequence().length);
        // Up to the first EOS (Elastic-Cache leaves the positions after it masked, as the reference does).
        int end = 0;
        while (end < answer.length && answer[end] != model.eosTokenId()) {
            end++;
        }
        answer = Arrays.copyOf(answer, Math.min(answer.length, end + 1));
        assertThat(answer).doesNotContain(model.maskTokenId());
        assertThat(result.stats().nfe()).isBetween(1, 32);
        // Rows leaning towards the mask direction get 'b' (id 66), the second best; the others EOS.
        assertThat(answer).contains(66).containsOnly(66, model.eosTokenId());
        assertThat(end).as("answer tokens before EOS").isPositive();
    }
}
