package dev.elasticcache.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.DreamModel;
import dev.elasticcache.model.LladaModel;
import dev.elasticcache.model.weights.WeightDtype;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The oracle of 16-bit storage: a BF16 (or F16) checkpoint kept mapped and widened per product decodes token for
 * token, step for step, like the same checkpoint widened to fp32 at load, for every strategy and both families.
 */
class SixteenBitWeightsOracleTest {

    @TempDir
    static Path dir;

    static LladaModel lladaF32;
    static LladaModel lladaBf16;
    static DreamModel dreamF32;
    static DreamModel dreamF16;

    @BeforeAll
    static void load() {
        Path llada = RandomCheckpoint.write(dir.resolve("llada"),
                RandomCheckpoint.tinyConfig().weightTying(false).build(), 11, DType.BF16, 3);
        lladaF32 = LladaModel.load(llada, Device.cpu(), WeightDtype.FLOAT32);
        lladaBf16 = LladaModel.load(llada, Device.cpu(), WeightDtype.BFLOAT16);
        Path dream = RandomDreamCheckpoint.write(dir.resolve("dream"), RandomDreamCheckpoint.tinyConfig().build(), 5,
                DType.F16, 2);
        dreamF32 = DreamModel.load(dream, Device.cpu(), DreamModel.DEFAULT_MAX_CONTEXT, WeightDtype.FLOAT32);
        dreamF16 = DreamModel.load(dream, Device.cpu(), DreamModel.DEFAULT_MAX_CONTEXT, WeightDtype.FLOAT16);
    }

    @AfterAll
    static void close() {
        for (DiffusionModel m : new DiffusionModel[] {lladaF32, lladaBf16, dreamF32, dreamF16}) {
            m.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void lladaDecodesTheSameTokensFromMappedBf16AsFromFp32(Strategy strategy) {
        assertThat(lladaBf16.weightFootprint().residentBytes()).isLessThan(lladaF32.weightFootprint().residentBytes() / 10);
        assertThat(lladaBf16.weightFootprint().mappedBytes() * 2).isEqualTo(lladaF32.weightFootprint().residentBytes() - lladaBf16.weightFootprint().residentBytes());
        assertSameDecoding(lladaF32, lladaBf16, strategy, 31);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void dreamDecodesTheSameTokensFromMappedF16AsFromFp32(Strategy strategy) {
        assertSameDecoding(dreamF32, dreamF16, strategy, 32);
    }

    private static void assertSameDecoding(DiffusionModel fp32, DiffusionModel mapped, Strategy strategy, long seed) {
        for (int trial = 0; trial < 3; trial++) {
            Random r = new Random(seed * 100 + trial);
            int[] prompt = IntStream.range(0, 6 + r.nextInt(10)).map(i -> 3 + r.nextInt(250)).toArray();
            DecodingOptions o = DecodingOptions.builder().strategy(strategy).genLength(16).blockLength(8)
                    .windowLength(6).build();
            DecodeResult expected = Decoder.of(strategy).decode(new DecodeRun(fp32, prompt, o, null, null, true));
            DecodeResult actual = Decoder.of(strategy).decode(new DecodeRun(mapped, prompt, o, null, null, true));
            assertThat(actual.sequence()).as("%s trial %d", strategy, trial).containsExactly(expected.sequence());
            assertThat(actual.trace()).hasSameSizeAs(expected.trace());
            for (int s = 0; s < expected.trace().size(); s++) {
                assertThat(actual.trace().get(s).decodedPositions()).containsExactly(expected.trace().get(s).decodedPositions());
            }
        }
    }
}
