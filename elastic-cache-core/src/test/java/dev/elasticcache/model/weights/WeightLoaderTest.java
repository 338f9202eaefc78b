package dev.elasticcache.model.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.LladaWeights;
import dev.elasticcache.model.TensorOps;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's two ways give the fp32 load's bits: whole or in chunks (a scratch smaller than a matrix splits
 * both the resident fill and the mapped products), tied head or not.
 */
class WeightLoaderTest {

    @TempDir
    Path dir;

    @Test
    void chunkedAndMappedWeightsGiveTheSameLogitsBitForBit() {
        for (boolean tied : new boolean[] {false, true}) {
            LladaConfig config = RandomCheckpoint.tinyConfig().weightTying(tied).build();
            Path folder = RandomCheckpoint.write(dir.resolve("tied-" + tied), config, 3, DType.BF16, 2);
            try (LladaModel reference = LladaModel.load(folder, ai.djl.Device.cpu(), WeightDtype.FLOAT32);
                    NDManager scope = NDManager.newBaseManager();
                    CheckpointReader reader = CheckpointReader.open(folder)) {
                NDArray ids = TensorOps.indices(scope, new int[] {5, 17, 3, 250, 126, 9, 64});
                float[] expected = reference.forward(ids).toFloatArray();
                // 3 rows of the 32-wide matrices per chunk: every fused matrix and the embedding are split.
                for (boolean keep16Bit : new boolean[] {false, true}) {
                    NDManager manager = NDManager.newBaseManager();
                    WeightLoader loader = new WeightLoader(reader, manager,
                            keep16Bit ? WeightStorage.MAPPED_16BIT : WeightStorage.FP32, new WidenScratch(3 * 32 * 4));
                    try (LladaModel chunked = new LladaModel(config, LladaWeights.load(config, loader), manager)) {
                        assertThat(chunked.forward(ids).toFloatArray()).as("tied=%s keep16Bit=%s", tied, keep16Bit)
                                .containsExactly(expected);
                        assertThat(chunked.weightFootprint().mapped()).isEqualTo(keep16Bit);
                        assertThat(chunked.weightFootprint().residentBytes() < reference.weightFootprint().residentBytes()).isEqualTo(keep16Bit);
                    }
                }
            }
        }
    }

    @Test
    void autoKeepsFp32WhenItFitsAnd16BitWhenItDoesNot() {
        Path folder = RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.tinyConfig().build(), 1, DType.BF16, 1);
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            long fp32 = MemoryBudget.parameters(reader) * 4;
            assertThat(MemoryBudget.storage(WeightDtype.AUTO, reader, 64L << 30)).isEqualTo(WeightStorage.FP32);
            assertThat(MemoryBudget.storage(WeightDtype.AUTO, reader, fp32 + MemoryBudget.FP32_HEADROOM - 1))
                    .isEqualTo(WeightStorage.MAPPED_16BIT);
            assertThat(MemoryBudget.storage(WeightDtype.BFLOAT16, reader, 64L << 30)).isEqualTo(WeightStorage.MAPPED_16BIT);
            assertThat(MemoryBudget.storage(WeightDtype.FLOAT16_COMPUTE, reader, 64L << 30)).isEqualTo(WeightStorage.FP16_COMPUTE);
            assertThatThrownBy(() -> MemoryBudget.storage(WeightDtype.FLOAT32, reader, fp32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("use dtype auto or bfloat16");
            assertThatThrownBy(() -> MemoryBudget.storage(WeightDtype.AUTO, reader, fp32 / 4))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("16-bit, mapped").hasMessageContaining("more memory");
            assertThatThrownBy(() -> MemoryBudget.storage(WeightDtype.FLOAT16, reader, 64L << 30))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("this checkpoint stores BF16; use dtype bfloat16 or auto");
        }
    }

    @Test
    void sixteenBitIsRefusedForAnFp32Checkpoint() {
        Path folder = RandomCheckpoint.write(dir.resolve("f32"), RandomCheckpoint.tinyConfig().build(), 1, DType.F32, 1);
        assertThatThrownBy(() -> LladaModel.load(folder, ai.djl.Device.cpu(), WeightDtype.BFLOAT16))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("stores F32; use dtype float32 or auto");
    }

    @Test
    void aShardTruncatedAfterLoadingIsAnErrorNamingFileAndTensorNotACrash() throws IOException {
        Path folder = RandomCheckpoint.write(dir.resolve("cut"), RandomCheckpoint.tinyConfig().build(), 1, DType.BF16, 1);
        try (LladaModel model = LladaModel.load(folder, ai.djl.Device.cpu(), WeightDtype.BFLOAT16);
                NDManager scope = NDManager.newBaseManager()) {
            Path file = folder.resolve(CheckpointReader.SINGLE_FILE);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(4096);
            }
            assertThat(Files.size(file)).isEqualTo(4096);
            assertThatThrownBy(() -> model.forward(TensorOps.indices(scope, new int[] {1, 2, 3})).toFloatArray())
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("truncated or replaced");
        }
    }
}
