package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.tokenizer.ChatMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Draining before shutdown: admitted requests finish, new ones are refused with {@link EngineDrainingException},
 * and the observers hear every request and refusal; the admitted requests' memory is accounted while they run.
 */
class EngineDrainTest {
    static final GenerationRequest REQUEST = GenerationRequest.builder()
            .messages(List.of(ChatMessage.user("Uppercase these words: robot flame heart")))
            .options(DecodingOptions.builder().genLength(16).build()).build();

    @Test
    void aDrainingEngineFinishesWhatItAdmittedAndRefusesTheRest() throws Exception {
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.builder().maxBatchSize(1).queueCapacity(4).build())) {
            List<String> heard = new CopyOnWriteArrayList<>();
            engine.observe(new EngineObserver() {
                @Override
                public void refused(Refusal reason) {
                    heard.add("refused " + reason);
                }

                @Override
                public void firstText(dev.elasticcache.decode.Strategy strategy, Duration sinceSubmit) {
                    heard.add("first text");
                }

                @Override
                public void completed(GenerationResult result, Duration sinceSubmit) {
                    heard.add("completed " + result.stats().answerTokens());
                }
            });
            String alone = engine.generate(REQUEST).text();
            heard.clear();
            assertThat(engine.requestMemoryInUse()).isZero();
            assertThat(engine.requestMemoryCapacity()).isPositive();

            HeldRequest held = HeldRequest.submit(engine, REQUEST);
            GenerationHandle queued = engine.submit(REQUEST, null);
            assertThat(engine.requestMemoryInUse()).isPositive();
            assertThat(engine.admittedRequests()).isEqualTo(2);

            engine.drain();
            assertThat(engine.isDraining()).isTrue();
            assertThatThrownBy(() -> engine.submit(REQUEST, null)).isInstanceOf(EngineDrainingException.class)
                    .hasMessageContaining("send it to another instance");
            assertThat(engine.awaitIdle(Duration.ofMillis(50))).isFalse();

            held.release();
            assertThat(engine.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(held.handle().result().get().text()).isEqualTo(alone);
            assertThat(queued.result().get().text()).isEqualTo(alone);
            assertThat(engine.requestMemoryInUse()).isZero();
            assertThat(heard).contains("refused DRAINING").filteredOn(h -> h.startsWith("completed")).hasSize(2);
            assertThat(heard).filteredOn(h -> h.equals("first text")).hasSize(alone.isEmpty() ? 0 : 2);
        }
    }
}
