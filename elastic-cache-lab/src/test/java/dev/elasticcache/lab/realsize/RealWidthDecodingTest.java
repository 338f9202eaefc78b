package dev.elasticcache.lab.realsize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.model.weights.WeightDtype;
import dev.elasticcache.tokenizer.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real-width case CI keeps: two layers of LLaDA-8B at their exact shapes (d 4096, 32 heads, MLP 12288), BF16 on
 * disk, decode the same tokens with the weights kept 16-bit (mapped, widened per matrix) as with fp32 weights.
 */
class RealWidthDecodingTest {

    @TempDir
    static Path dir;

    static ElasticCacheEngine mapped;
    static ElasticCacheEngine widened;

    @BeforeAll
    static void load() {
        Path folder = RealShapeModels.LLADA_8B_TWO_LAYERS.write(dir.resolve("llada-8b-2-layers"), 3);
        mapped = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).dtype(WeightDtype.BFLOAT16).maxBatchSize(1).build());
        widened = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).dtype(WeightDtype.FLOAT32).maxBatchSize(1).build());
    }

    @AfterAll
    static void close() {
        mapped.close();
        widened.close();
    }

    @ParameterizedTest
    @EnumSource(value = Strategy.class, names = {"LLADA", "FAST_DLLM_DUAL", "ELASTIC"})
    void bf16StorageDecodesLikeFp32(Strategy strategy) {
        assertThat(mapped.diffusionModel().weightFootprint().mapped()).isTrue();
        assertThat(mapped.diffusionModel().weightFootprint().mappedBytes()).isGreaterThan(800_000_000L);
        assertThat(widened.diffusionModel().weightFootprint().residentBytes()).isGreaterThan(1_700_000_000L);
        GenerationRequest request = GenerationRequest.builder().messages(List.of(ChatMessage.user("Uppercase: robot")))
                .options(DecodingOptions.builder().strategy(strategy).genLength(8).blockLength(8).windowLength(4).build()).build();
        GenerationResult fromMapped = mapped.generate(request);
        GenerationResult fromFp32 = widened.generate(request);
        assertThat(fromMapped.sequence()).containsExactly(fromFp32.sequence());
        assertThat(fromMapped.stats().nfe()).isEqualTo(fromFp32.stats().nfe());
    }
}
