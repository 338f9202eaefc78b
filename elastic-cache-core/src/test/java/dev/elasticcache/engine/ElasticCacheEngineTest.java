package dev.elasticcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.tokenizer.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticCacheEngineTest {

    @TempDir
    static Path dir;

    static Path modelDir;
    static ElasticCacheEngine engine;

    static final DecodingOptions SHORT = DecodingOptions.builder().genLength(32).windowLength(8).build();
    static final DecodingOptions LONG = DecodingOptions.builder().strategy(Strategy.LLADA).genLength(512)
            .blockLength(32).build();

    @BeforeAll
    static void load() {
        modelDir = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.tinyConfig().build(), 5, DType.BF16, 2);
        engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(modelDir).maxBatchSize(1).queueCapacity(0)
                .defaultOptions(SHORT).build());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static GenerationRequest user(String text, DecodingOptions options) {
        return GenerationRequest.builder().messages(List.of(ChatMessage.user(text))).options(options).build();
    }

    @Test
    void anEmbeddingWiderThanTheTokenizerNeverEmitsIdsTheTokenizerCannotWrite() {
        // Random weights over 2048 logits pick padding rows (ids >= 262) nearly always unless they are excluded.
        Path wide = RandomCheckpoint.write(dir.resolve("wide"), RandomCheckpoint.tinyConfig().vocabSize(2048).build(), 3,
                DType.F32, 1);
        try (ElasticCacheEngine e = ElasticCacheEngine.load(EngineConfig.builder().modelDir(wide).build())) {
            for (Strategy strategy : Strategy.values()) {
                GenerationResult r = e.generate(user("hello", DecodingOptions.builder().strategy(strategy).genLength(16)
                        .blockLength(8).steps(16).build()));
                assertThat(java.util.Arrays.stream(r.sequence()).max().getAsInt()).as(strategy.id()).isLessThan(e.textTokenizer().vocabSize());
                assertThat(r.stats().answerTokens()).isPositive();
            }
        }
    }

    @Test
    void generatesWithUsageStatisticsAndModelInfo() {
        GenerationResult r = engine.generate(user("hello there", SHORT));
        assertThat(r.usage().promptTokens()).isEqualTo(engine.tokenizer().encodeChat(List.of(ChatMessage.user("hello there"))).length);
        assertThat(r.usage().generationTokens()).isEqualTo(r.stats().answerTokens()).isBetween(0, 32);
        assertThat(r.stats().nfe()).isBetween(1, 32);
        assertThat(r.stats().strategy()).isEqualTo(Strategy.ELASTIC);
        assertThat(r.sequence()).hasSize(r.usage().promptTokens() + 32);
        assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(engine.modelInfo().name()).isEqualTo("model");
        assertThat(engine.modelInfo().parameters()).isPositive();
    }

    @Test
    void streamedTextConcatenatesToTheAnswerAndCompletesOnce() {
        StringBuilder streamed = new StringBuilder();
        List<StepRecord> steps = new ArrayList<>();
        AtomicInteger completions = new AtomicInteger();
        GenerationResult r = engine.generate(user("stream me", SHORT), new GenerationListener() {
            @Override public void onText(String delta) { streamed.append(delta); }
            @Override public void onStep(StepRecord step) { steps.add(step); }
            @Override public void onComplete(GenerationResult result) { completions.incrementAndGet(); }
        });
        assertThat(streamed.toString()).isEqualTo(r.text());
        assertThat(steps).hasSize(r.stats().nfe());
        assertThat(completions.get()).isEqualTo(1);
    }

    @Test
    void stopSequenceCutsTheAnswerAndEndsDecodingEarly() {
        DecodingOptions llada = DecodingOptions.builder().strategy(Strategy.LLADA).genLength(64).blockLength(32).build();
        GenerationRequest plain = GenerationRequest.builder().promptIds(new int[] {5, 6, 7, 8}).options(llada).build();
        GenerationResult full = engine.generate(plain);
        String text = full.text();
        assertThat(text.length()).as("random model answer").isGreaterThan(6);
        String stop = text.substring(3, 5);
        GenerationResult cut = engine.generate(plain.mutate().stopSequences(List.of(stop)).build());
        assertThat(cut.text()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(cut.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
        assertThat(cut.stats().nfe()).isLessThan(full.stats().nfe());
    }

    @Test
    void fullQueueIsRefusedAtOnceAndTheRunningRequestSurvives() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        GenerationHandle first = engine.submit(user("long one", LONG), new GenerationListener() {
            @Override public void onStep(StepRecord step) { running.countDown(); }
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> engine.submit(user("second", SHORT), null))
                .isInstanceOf(EngineOverloadedException.class)
                .hasMessageContaining("overloaded");
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(1));
        first.cancel();
        assertThatThrownBy(() -> first.result().join()).isInstanceOf(CancellationException.class);
        assertThat(engine.generate(user("after", SHORT)).stats().nfe()).isPositive();
    }

    @Test
    void cancellationStopsWithinAStep() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger stepsAfterCancel = new AtomicInteger();
        GenerationHandle[] handle = new GenerationHandle[1];
        handle[0] = engine.submit(user("cancel me", LONG), new GenerationListener() {
            @Override public void onStep(StepRecord step) {
                if (handle[0] != null && handle[0].isCancelled()) {
                    stepsAfterCancel.incrementAndGet();
                }
                started.countDown();
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        handle[0].cancel();
        assertThatThrownBy(() -> handle[0].result().join()).isInstanceOf(CancellationException.class);
        assertThat(stepsAfterCancel.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void timeoutFailsTheRequestAndTheEngineKeepsServing() {
        GenerationRequest slow = user("slow", LONG).mutate().timeout(Duration.ofMillis(50)).build();
        assertThatThrownBy(() -> engine.generate(slow)).isInstanceOf(GenerationTimeoutException.class)
                .hasMessageContaining("50 ms");
        assertThat(engine.generate(user("fine", SHORT)).stats().nfe()).isPositive();
    }

    @Test
    void badInputGetsAClearErrorAndTheEngineKeepsServing() {
        assertThatThrownBy(() -> engine.generate(user("   ", SHORT))).hasMessageContaining("blank");
        assertThatThrownBy(() -> engine.generate(GenerationRequest.builder().text("").build())).hasMessageContaining("blank");
        assertThatThrownBy(() -> engine.generate(user("x".repeat(1000), SHORT.mutate().genLength(64).build())))
                .hasMessageContaining("prompt too long").hasMessageContaining("max sequence length 1024");
        assertThatThrownBy(() -> engine.generate(user("hi", SHORT.mutate().genLength(0).build())))
                .hasMessageContaining("genLength must be > 0");
        assertThatThrownBy(() -> engine.generate(user("hi", SHORT.mutate().gamma(1.5).build())))
                .hasMessageContaining("gamma must be in (0, 1]");
        assertThatThrownBy(() -> engine.generate(user("hi", SHORT.mutate().gamma(0).build())))
                .hasMessageContaining("gamma must be in (0, 1]");
        assertThatThrownBy(() -> engine.generate(user("hi", SHORT.mutate().threshold(1.2).build())))
                .hasMessageContaining("threshold must be in (0, 1]");
        assertThatThrownBy(() -> engine.generate(user("hi", SHORT.mutate().windowLength(0).build())))
                .hasMessageContaining("windowLength must be >= 1");
        assertThatThrownBy(() -> engine.generate(user("hi", SHORT.mutate().temperature(-1).build())))
                .hasMessageContaining("temperature must be >= 0");
        assertThatThrownBy(() -> DecodingOptions.builder().strategy("warp-speed"))
                .hasMessageContaining("unknown strategy 'warp-speed'").hasMessageContaining("elastic");
        assertThatThrownBy(() -> engine.generate(user("hi", SHORT).mutate().stopSequences(List.of("")).build()))
                .hasMessageContaining("stop sequences must not be empty");
        assertThatThrownBy(() -> engine.generate(user("bad \uD800 surrogate", SHORT))).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> engine.generate(user("sneaky <|mdm_mask|>", SHORT))).hasMessageContaining("mask token");
        assertThatThrownBy(() -> engine.generate(GenerationRequest.builder().promptIds(new int[] {1, 99999}).build()))
                .hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> engine.generate(user("hi", DecodingOptions.builder().strategy(Strategy.LLADA)
                .genLength(40).blockLength(32).build()))).hasMessageContaining("multiple of blockLength");
        assertThat(engine.generate(user("still here", SHORT)).stats().nfe()).isPositive();
    }

    @Test
    void loadFailuresNameTheFileAndCallsAfterCloseAreRefused() throws Exception {
        assertThatThrownBy(() -> ElasticCacheEngine.load(EngineConfig.builder().modelDir(dir.resolve("nope")).build()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("nope");
        Path noTokenizer = RandomCheckpoint.write(dir.resolve("no-tok"), RandomCheckpoint.tinyConfig().build(), 1, DType.F32, 1);
        Files.delete(noTokenizer.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ElasticCacheEngine.load(EngineConfig.builder().modelDir(noTokenizer).build()))
                .hasMessageContaining("tokenizer.json");
        Path wrongMask = RandomCheckpoint.write(dir.resolve("wrong-mask"),
                RandomCheckpoint.tinyConfig().maskTokenId(7).build(), 1, DType.F32, 1);
        assertThatThrownBy(() -> ElasticCacheEngine.load(EngineConfig.builder().modelDir(wrongMask).build()))
                .hasMessageContaining("mask_token_id 7").hasMessageContaining("config.json");

        ElasticCacheEngine closing = ElasticCacheEngine.load(EngineConfig.builder().modelDir(modelDir).build());
        closing.close();
        assertThatThrownBy(() -> closing.generate(user("late", SHORT))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
