package dev.elasticcache.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineDrainingException;
import dev.elasticcache.engine.HeldRequest;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.spring.TestModels;
import dev.elasticcache.tokenizer.ChatMessage;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Shutdown drains: readiness down, new requests refused, admitted ones finish (up to drain-timeout), then close. */
class ElasticCacheDrainTests {
    static final GenerationRequest REQUEST = GenerationRequest.builder()
            .messages(List.of(ChatMessage.user("Uppercase these words: robot flame")))
            .options(DecodingOptions.builder().strategy(Strategy.LLADA).genLength(16).blockLength(16).steps(16).build()).build();
    // llada one token a step: 16 steps, so a cancellation has steps left to stop

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ElasticCacheChatAutoConfiguration.class))
            .withBean(ApplicationAvailabilityBean.class)
            .withPropertyValues(TestModels.modelProperties());

    @Test
    void closingTheContextFinishesAdmittedRequestsAndRefusesNewOnes() {
        runner.withPropertyValues("spring.ai.elastic-cache.drain-timeout=2m").run(context -> {
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            ElasticCacheHealthIndicator health = context.getBean(ElasticCacheHealthIndicator.class);
            ApplicationAvailabilityBean availability = context.getBean(ApplicationAvailabilityBean.class);
            String alone = engine.generate(REQUEST).text();
            HeldRequest held = HeldRequest.submit(engine, REQUEST);

            Thread closer = new Thread(context::close);
            closer.start();
            awaitDraining(engine);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
            assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThatThrownBy(() -> engine.submit(REQUEST, null)).isInstanceOf(EngineDrainingException.class);
            assertThat(engine.isClosed()).as("the engine waits for its admitted request").isFalse();

            held.release();
            closer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(held.handle().result().get().text()).isEqualTo(alone);
            assertThat(engine.isClosed()).isTrue();
        });
    }

    @Test
    void aContextStoppedAndStartedAgainKeepsServing() {
        runner.run(context -> {
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            context.stop(); // what Spring's test framework does to a cached context it pauses
            context.start();
            assertThat(engine.isDraining()).isFalse();
            assertThat(engine.generate(REQUEST).finishReason()).isNotNull();
        });
    }

    @Test
    void aRequestLongerThanTheDrainTimeoutIsCancelledWhenTheEngineCloses() {
        runner.withPropertyValues("spring.ai.elastic-cache.drain-timeout=100ms").run(context -> {
            ElasticCacheEngine engine = context.getBean(ElasticCacheEngine.class);
            HeldRequest held = HeldRequest.submit(engine, REQUEST);
            Thread closer = new Thread(context::close);
            closer.start();
            awaitDraining(engine);
            // The drain gives up after 100 ms and the engine closes, cancelling what is left.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!held.handle().isCancelled() && System.nanoTime() < deadline) {
                Thread.yield();
            }
            assertThat(held.handle().isCancelled()).isTrue();
            held.release();
            closer.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(engine.isClosed()).isTrue();
            assertThatThrownBy(() -> held.handle().result().get()).isInstanceOf(CancellationException.class)
                    .hasMessageContaining("cancelled");
        });
    }

    static void awaitDraining(ElasticCacheEngine engine) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!engine.isDraining() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(engine.isDraining()).isTrue();
    }
}
