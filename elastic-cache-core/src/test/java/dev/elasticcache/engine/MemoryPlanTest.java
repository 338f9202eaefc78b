package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.weights.WeightDtype;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory plan's terms, computed by hand for a small model, and its verdict. */
class MemoryPlanTest {

    @TempDir
    Path dir;

    @Test
    void termsFollowTheShapesAndTheStrategy() {
        LladaConfig config = RandomCheckpoint.tinyConfig().nKvHeads(2).build(); // d 32, 4 heads of 8, 2 kv heads, 3 layers, mlp 64
        Path folder = RandomCheckpoint.write(dir, config, 1, DType.BF16, 1);
        try (LladaModel fp32 = LladaModel.load(folder, Device.cpu(), WeightDtype.FLOAT32);
                LladaModel mapped = LladaModel.load(folder, Device.cpu(), WeightDtype.BFLOAT16)) {
            int n = 10 + 22;
            MemoryPlan elastic = MemoryPlan.of(fp32, 0, 10, 22, Strategy.ELASTIC, 1, 1L << 40);
            long activations = n * (23L * 32 + 5 * 64) * 4 + 3L * 4 * n * n * 4 + 22L * config.embeddingSize() * 4;
            assertThat(elastic.activationBytes()).isEqualTo(activations);
            assertThat(elastic.cacheBytes()).isEqualTo(3L * n * (2 * 2 * 8 + 4 * 8 + 32) * 4);
            assertThat(MemoryPlan.of(fp32, 0, 10, 22, Strategy.FAST_DLLM_DUAL, 1, 1L << 40).cacheBytes())
                    .isEqualTo(3L * n * (2 * 2 * 8) * 4);
            assertThat(MemoryPlan.of(fp32, 0, 10, 22, Strategy.LLADA, 1, 1L << 40).cacheBytes()).isZero();
            assertThat(elastic.total()).isEqualTo(fp32.weightFootprint().residentBytes() + MemoryPlan.RUNTIME_BYTES
                    + activations + elastic.cacheBytes());

            MemoryPlan fourMapped = MemoryPlan.of(mapped, 1000, 10, 22, Strategy.ELASTIC, 4, 1L << 40);
            assertThat(fourMapped.total()).isEqualTo(mapped.weightFootprint().residentBytes()
                    + mapped.weightFootprint().mappedBytes() + 1000 + MemoryPlan.RUNTIME_BYTES
                    + 4 * (mapped.weightFootprint().scratchBytes() + elastic.cacheBytes() + activations));
            assertThat(elastic.fits()).isTrue();
            MemoryPlan tight = MemoryPlan.of(fp32, 0, 10, 22, Strategy.ELASTIC, 1, elastic.total() - 1);
            assertThat(tight.fits()).isFalse();
            assertThat(tight.lines()).last().asString().contains("does NOT fit");
        }
    }
}
