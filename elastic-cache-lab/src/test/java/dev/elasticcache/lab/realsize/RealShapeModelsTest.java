package dev.elasticcache.lab.realsize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real-shape checkpoints have the real models' sizes, to the byte, and the writer's files read back. */
class RealShapeModelsTest {

    @TempDir
    Path dir;

    @Test
    void theCheckpointsHaveTheRealModelsTotalSizes() {
        // total_size of the published model.safetensors.index.json files
        assertThat(RealShapeModels.LLADA_8B.weightBytes()).isEqualTo(16_031_162_368L);
        assertThat(RealShapeModels.LLADA_8B.tensors()).hasSize(291);
        assertThat(RealShapeModels.DREAM_7B.weightBytes()).isEqualTo(15_231_233_024L);
        assertThat(RealShapeModels.DREAM_7B.tensors()).hasSize(339);
        // LLaDA-V: the LLaDA-8B language model plus 26 SigLIP layers (the last is never used), projector, newline
        long vision = RealShapeModels.LLADA_V.weightBytes() - RealShapeModels.LLADA_8B.weightBytes();
        assertThat(vision / 2).isBetween(400_000_000L, 450_000_000L);
    }

    @Test
    void theStreamedWriterSplitsIntoShardsThatReadBack() {
        List<TensorPlan> tensors = List.of(new TensorPlan("a", new long[] {3, 5}, 0, 1), new TensorPlan("b", new long[] {7}, 1, 0.1),
                new TensorPlan("c", new long[] {2, 2, 2}, 0, 2));
        StreamingCheckpointWriter.write(dir, tensors, 2, 9);
        try (CheckpointReader reader = CheckpointReader.open(dir)) {
            assertThat(reader.isSharded()).isTrue();
            assertThat(reader.files()).hasSize(2);
            assertThat(reader.tensorNames()).containsExactly("a", "b", "c");
            assertThat(reader.info("c").shape()).containsExactly(2, 2, 2);
            assertThat(reader.info("b").dtype()).isEqualTo(DType.BF16);
            float[] b = reader.readFloats("b");
            for (float v : b) {
                assertThat(v).isBetween(1 - 0.2f, 1 + 0.2f); // uniform, mean 1, std 0.1: within sqrt(3) std
            }
            assertThat(reader.readFloats("a")).isNotEqualTo(new float[15]);
        }
        // same seed, same bytes
        StreamingCheckpointWriter.write(dir.resolve("again"), tensors, 2, 9);
        try (CheckpointReader first = CheckpointReader.open(dir); CheckpointReader again = CheckpointReader.open(dir.resolve("again"))) {
            assertThat(again.readFloats("a")).containsExactly(first.readFloats("a"));
        }
    }

    @Test
    void specialTokensSitAtTheRealIds() {
        Path folder = RealShapeModels.LLADA_8B_TWO_LAYERS.write(dir.resolve("two"), 1);
        try (dev.elasticcache.tokenizer.LladaTokenizer tokenizer = dev.elasticcache.tokenizer.LladaTokenizer.open(folder)) {
            assertThat(tokenizer.maskTokenId()).isEqualTo(502);
            assertThat(tokenizer.eosTokenId()).isEqualTo(501);
        }
        assertThat(RealShapeModels.LLADA_SPECIAL_IDS.values().stream().sorted().collect(Collectors.toList()))
                .containsExactly(126080, 126081, 126336, 126346, 126347, 126348);
    }
}
