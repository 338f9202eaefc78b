package dev.elasticcache.model.weights;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import dev.elasticcache.decode.DecodeResult;
import dev.elasticcache.decode.DecodeRun;
import dev.elasticcache.decode.Decoder;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.TensorOps;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU path, checked for correctness on the CPU at small shapes: fp16 weights and fp16 products give logits
 * within fp16's rounding of the fp32 ones, and every strategy decodes with them (their tokens may differ: fp16
 * products are not fp32's).
 */
class HalfComputeTest {

    @TempDir
    Path dir;

    @Test
    void lladaAndDreamComputeInFp16CloseToFp32AndDecodeWithEveryStrategy() {
        Path llada = RandomCheckpoint.write(dir.resolve("llada"), RandomCheckpoint.tinyConfig().weightTying(true).build(), 2,
                DType.BF16, 1);
        Path dream = RandomDreamCheckpoint.write(dir.resolve("dream"), RandomDreamCheckpoint.tinyConfig().build(), 3, DType.BF16, 1);
        try (LladaModel lladaFp32 = LladaModel.load(llada, Device.cpu(), WeightDtype.FLOAT32);
                LladaModel lladaHalf = LladaModel.load(llada, Device.cpu(), WeightDtype.FLOAT16_COMPUTE);
                DreamModel dreamFp32 = DreamModel.load(dream, Device.cpu(), DreamModel.DEFAULT_MAX_CONTEXT, WeightDtype.FLOAT32);
                DreamModel dreamHalf = DreamModel.load(dream, Device.cpu(), DreamModel.DEFAULT_MAX_CONTEXT, WeightDtype.FLOAT16_COMPUTE)) {
            assertThat(((ResidentLinear) lladaHalf.weights().layers()[0].qkv()).transposed().getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(lladaHalf.weightFootprint().residentBytes() * 2)
                    .isCloseTo(lladaFp32.weightFootprint().residentBytes(), org.assertj.core.data.Percentage.withPercentage(5));
            assertClose(lladaFp32, lladaHalf);
            assertClose(dreamFp32, dreamHalf);
            for (Strategy strategy : Strategy.values()) {
                for (DiffusionModel m : new DiffusionModel[] {lladaHalf, dreamHalf}) {
                    int[] prompt = {5, 17, 3, 250, 126, 9, 64, 11};
                    DecodingOptions o = DecodingOptions.builder().strategy(strategy).genLength(8).blockLength(8).build();
                    DecodeResult r = Decoder.of(strategy).decode(new DecodeRun(m, prompt, o, null, null, false));
                    assertThat(r.sequence()).hasSize(prompt.length + 8);
                    for (int t : r.generated()) {
                        assertThat(t).isBetween(0, m.logitsWidth() - 1);
                    }
                }
            }
        }
    }

    @Test
    void aWeightBeyondFp16sRangeIsRefusedNamingTheTensor() {
        dev.elasticcache.model.LladaConfig config = RandomCheckpoint.tinyConfig().build();
        java.util.Map<String, float[]> weights = RandomCheckpoint.weights(config, 4);
        String name = config.tensorNaming().block(1, dev.elasticcache.model.LladaTensorLayout.FF_OUT);
        weights.get(name)[7] = 1e6f;
        dev.elasticcache.checkpoint.CheckpointWriter writer = new dev.elasticcache.checkpoint.CheckpointWriter(DType.BF16);
        java.util.Map<String, long[]> shapes = dev.elasticcache.model.LladaTensorLayout.expectedShapes(config);
        weights.forEach((n, data) -> writer.add(n, shapes.get(n), data));
        Path folder = dir.resolve("huge");
        writer.writeSingle(folder);
        config.write(folder.resolve("config.json"));
        dev.elasticcache.tokenizer.TinyTokenizerFiles.write(folder);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LladaModel.load(folder, Device.cpu(), WeightDtype.FLOAT16_COMPUTE))
                .isInstanceOf(dev.elasticcache.checkpoint.CheckpointException.class)
                .hasMessageContaining(name).hasMessageContaining("beyond fp16's range");
    }

    private static void assertClose(DiffusionModel fp32, DiffusionModel half) {
        try (NDManager scope = NDManager.newBaseManager()) {
            NDArray ids = TensorOps.indices(scope, new int[] {5, 17, 3, 250, 126, 9, 64, 11, 2, 40});
            NDArray expected = fp32.forward(ids);
            NDArray actual = half.forward(ids);
            assertThat(actual.getDataType()).isEqualTo(DataType.FLOAT32);
            float scale = expected.abs().max().getFloat();
            float worst = actual.sub(expected).abs().max().getFloat();
            // fp16 keeps 11 significant bits: a few layers of products stay within a few thousandths of the scale
            assertThat(worst).isLessThan(0.02f * scale).isGreaterThan(0f);
        }
    }
}
