package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.Strategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every generation, finished, cancelled, timed out or failed, leaves exactly the model's own arrays alive. */
class NativeMemoryTest {

    @TempDir
    Path dir;

    @Test
    void noNativeArrayOutlivesItsGeneration() {
        Path model = RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.tinyConfig().nKvHeads(2).build(), 9, DType.F32, 1);
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(model).build())) {
            int weights = engine.model().manager().getManagedArrays().size();
            assertThat(weights).isPositive();
            for (int round = 0; round < 3; round++) {
                for (Strategy s : Strategy.values()) {
                    DecodingOptions o = DecodingOptions.builder().strategy(s).genLength(32).blockLength(16).windowLength(8).build();
                    engine.generate(GenerationRequest.builder().promptIds(new int[] {3, 4, 5, 6}).options(o).build());
                    assertThat(engine.model().manager().getManagedArrays()).as(s.id()).hasSize(weights);
                }
            }
            GenerationHandle h = engine.submit(GenerationRequest.builder().promptIds(new int[] {3, 4})
                    .options(DecodingOptions.builder().strategy(Strategy.LLADA).genLength(256).build()).build(),
                    new GenerationListener() {
                        @Override public void onStep(StepRecord step) {
                            if (step.step() == 3) {
                                throw new IllegalStateException("listener failure mid-decode");
                            }
                        }
                    });
            assertThatThrownBy(() -> h.result().join()).hasRootCauseMessage("listener failure mid-decode");
            assertThat(engine.model().manager().getManagedArrays()).hasSize(weights);

            GenerationHandle cancelled = engine.submit(GenerationRequest.builder().promptIds(new int[] {3, 4})
                    .options(DecodingOptions.builder().strategy(Strategy.ELASTIC).genLength(256).threshold(null).build()).build(),
                    new GenerationListener() {});
            cancelled.cancel();
            assertThatThrownBy(() -> cancelled.result().join()).isInstanceOf(CancellationException.class);
            assertThat(engine.model().manager().getManagedArrays()).hasSize(weights);

            assertThatThrownBy(() -> engine.generate(GenerationRequest.builder().promptIds(new int[] {3, 4})
                    .options(DecodingOptions.builder().strategy(Strategy.FAST_DLLM_DUAL).genLength(256).threshold(null).build())
                    .timeout(Duration.ofMillis(30)).build())).isInstanceOf(GenerationTimeoutException.class);
            assertThat(engine.model().manager().getManagedArrays()).hasSize(weights);
        }
    }
}
