package dev.elasticcache.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.EngineOverloadedException;
import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationListener;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.engine.GenerationTimeoutException;
import dev.elasticcache.structured.ToolChoice;
import dev.elasticcache.structured.ToolDefinition;
import dev.elasticcache.tokenizer.ChatMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batching oracle: requests decoded together decode exactly the tokens each decodes alone (an engine of
 * batch size 1), with mixed strategies, lengths, schema and tool templates, and neighbours that fail, are
 * cancelled or time out mid-batch.
 */
class BatchedDecodingTest {
    static final String PERSON = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":6},"
            + "\"age\":{\"type\":\"integer\"},\"ok\":{\"type\":\"boolean\"}},\"required\":[\"name\",\"age\",\"ok\"]}";
    static final List<ToolDefinition> TOOLS = List.of(
            new ToolDefinition("get_weather", "Weather.", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":8}},\"required\":[\"city\"]}"),
            new ToolDefinition("add", "", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}"));

    @TempDir
    static Path dir;
    static ElasticCacheEngine alone;
    static ElasticCacheEngine batched;

    @BeforeAll
    static void load() {
        Path model = RandomCheckpoint.write(dir.resolve("model"), RandomCheckpoint.tinyConfig().dModel(64).nHeads(4)
                .nLayers(3).mlpHiddenSize(128).build(), 11, DType.BF16, 1);
        alone = ElasticCacheEngine.load(EngineConfig.builder().modelDir(model).maxBatchSize(1).queueCapacity(64).build());
        batched = ElasticCacheEngine.load(EngineConfig.builder().modelDir(model).maxBatchSize(8).queueCapacity(64).build());
    }

    @AfterAll
    static void close() {
        alone.close();
        batched.close();
    }

    /** A random mix of strategies, lengths, knobs and (every fourth) a schema or tool request. */
    static List<GenerationRequest> randomRequests(long seed, int count) {
        Random random = new Random(seed);
        Strategy[] strategies = Strategy.values();
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Strategy strategy = strategies[random.nextInt(strategies.length)];
            int block = 4 << random.nextInt(3);
            int genLength = block * (1 + random.nextInt(4));
            DecodingOptions.Builder options = DecodingOptions.builder().strategy(strategy).genLength(genLength)
                    .blockLength(block).steps(genLength / (1 + random.nextInt(2))).windowLength(2 + random.nextInt(12))
                    .threshold(random.nextBoolean() ? null : 0.05 + 0.9 * random.nextDouble())
                    .tokensPerIter(1 + random.nextInt(3)).gamma(0.5 + 0.49 * random.nextDouble())
                    .trackNum(1 + random.nextInt(2)).seed(random.nextInt(1000));
            if (strategy == Strategy.LLADA) {
                options.threshold(null).remasking(random.nextBoolean() ? Remasking.LOW_CONFIDENCE : Remasking.RANDOM)
                        .temperature(random.nextBoolean() ? 0 : 0.7);
            }
            StringBuilder prompt = new StringBuilder();
            for (int w = 0, words = 1 + random.nextInt(12); w < words; w++) {
                prompt.append(Integer.toString(random.nextInt(1 << 20), 36)).append(' ');
            }
            GenerationRequest.Builder request = GenerationRequest.builder()
                    .messages(List.of(ChatMessage.user(prompt.toString().trim())));
            if (i % 4 == 3) {
                if (random.nextBoolean()) {
                    request.outputSchema(PERSON);
                } else {
                    request.tools(TOOLS).toolChoice(ToolChoice.REQUIRED);
                }
            }
            requests.add(request.options(options.build()).build());
        }
        return requests;
    }

    static List<GenerationResult> oneAtATime(List<GenerationRequest> requests) {
        List<GenerationResult> results = new ArrayList<>();
        for (GenerationRequest r : requests) {
            results.add(alone.generate(r));
        }
        return results;
    }

    static List<GenerationResult> together(List<GenerationRequest> requests) {
        List<GenerationHandle> handles = new ArrayList<>();
        for (GenerationRequest r : requests) {
            handles.add(batched.submit(r, null));
        }
        List<GenerationResult> results = new ArrayList<>();
        for (GenerationHandle h : handles) {
            results.add(h.result().join());
        }
        return results;
    }

    static void assertSameDecode(GenerationResult batch, GenerationResult single, GenerationRequest request) {
        String what = request.options() + (request.structured() ? " (structured)" : "");
        assertThat(batch.sequence()).as(what).containsExactly(single.sequence());
        assertThat(batch.text()).as(what).isEqualTo(single.text());
        // Call ids are fresh random ids per answer; names and arguments are decoded.
        assertThat(batch.toolCalls()).as(what).extracting(c -> c.name() + c.arguments())
                .isEqualTo(single.toolCalls().stream().map(c -> c.name() + c.arguments()).toList());
        assertThat(batch.finishReason()).as(what).isEqualTo(single.finishReason());
        assertThat(batch.stats().nfe()).as(what).isEqualTo(single.stats().nfe());
    }

    @Test
    void requestsDecodedTogetherDecodeExactlyTheTokensTheyDecodeAlone() {
        List<GenerationRequest> requests = randomRequests(1, 24);
        List<GenerationResult> single = oneAtATime(requests);
        BatchStatistics before = batched.batchStatistics();
        List<GenerationResult> batch = together(requests);
        for (int i = 0; i < requests.size(); i++) {
            assertSameDecode(batch.get(i), single.get(i), requests.get(i));
        }
        BatchStatistics after = batched.batchStatistics();
        // They really were decoded together: many ops ran stacked, some with all 8 members.
        assertThat(after.stackedOps() - before.stackedOps()).isGreaterThan(after.ops() / 4);
        assertThat(after.largestStack()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void repeatedPromptsInOneBatchStayExact() {
        // Identical requests stack rows of identical values: the same answer eight times.
        GenerationRequest r = randomRequests(7, 1).get(0);
        GenerationResult single = alone.generate(r);
        for (GenerationResult b : together(List.of(r, r, r, r, r, r, r, r))) {
            assertSameDecode(b, single, r);
        }
    }

    @Test
    void aNeighbourThatFailsIsCancelledOrTimesOutLeavesTheOthersExact() throws Exception {
        List<GenerationRequest> requests = randomRequests(3, 6);
        List<GenerationResult> single = oneAtATime(requests);
        GenerationRequest longOne = GenerationRequest.builder().messages(List.of(ChatMessage.user("a long one")))
                .options(DecodingOptions.builder().strategy(Strategy.LLADA).genLength(96).blockLength(32).steps(96).build())
                .build();
        List<GenerationHandle> handles = new ArrayList<>();
        // Fails in its listener at its third step.
        GenerationHandle failing = batched.submit(longOne, new GenerationListener() {
            int steps;

            @Override
            public void onStep(StepRecord step) {
                if (++steps == 3) {
                    throw new IllegalStateException("listener failed on purpose");
                }
            }
        });
        // Cancels itself at its second step.
        AtomicReference<GenerationHandle> self = new AtomicReference<>();
        GenerationHandle cancelled = batched.submit(longOne, new GenerationListener() {
            int steps;

            @Override
            public void onStep(StepRecord step) {
                if (++steps == 2) {
                    while (self.get() == null) {
                        Thread.onSpinWait();
                    }
                    self.get().cancel();
                }
            }
        });
        self.set(cancelled);
        // A deadline far shorter than its 96 full forwards.
        GenerationHandle timedOut = batched.submit(longOne.mutate().timeout(Duration.ofMillis(30)).build(), null);
        for (GenerationRequest r : requests) {
            handles.add(batched.submit(r, null));
        }
        for (int i = 0; i < requests.size(); i++) {
            assertSameDecode(handles.get(i).result().get(120, TimeUnit.SECONDS), single.get(i), requests.get(i));
        }
        assertThatThrownBy(() -> failing.result().join()).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("listener failed on purpose");
        assertThatThrownBy(() -> cancelled.result().join()).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOf(CancellationException.class),
                e -> assertThat(e).hasCauseInstanceOf(CancellationException.class));
        assertThatThrownBy(() -> timedOut.result().join()).hasCauseInstanceOf(GenerationTimeoutException.class);
        // Nothing of theirs is left in the batch.
        assertThat(batched.batchStatistics().members()).isZero();
    }

    @Test
    void aSlowListenerLeavesItsNeighboursExact() {
        // One request's listener sleeps at every step; it is outside the batch meanwhile and rejoins in step.
        List<GenerationRequest> requests = randomRequests(5, 4);
        List<GenerationResult> single = oneAtATime(requests);
        GenerationRequest slowRequest = requests.get(0);
        GenerationHandle slow = batched.submit(slowRequest, new GenerationListener() {
            @Override
            public void onStep(StepRecord step) {
                try {
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        List<GenerationHandle> others = new ArrayList<>();
        for (GenerationRequest r : requests.subList(1, requests.size())) {
            others.add(batched.submit(r, null));
        }
        for (int i = 0; i < others.size(); i++) {
            GenerationResult r = others.get(i).result().join();
            assertSameDecode(r, single.get(i + 1), requests.get(i + 1));
        }
        assertSameDecode(slow.result().join(), single.get(0), slowRequest);
    }

    @Test
    void admissionCountsTheBatchAndARefusalCostsNoOneTheirAnswer() throws Exception {
        try (ElasticCacheEngine two = ElasticCacheEngine.load(EngineConfig.builder().modelDir(alone.modelInfo().folder())
                .maxBatchSize(2).queueCapacity(1).build())) {
            GenerationRequest longOne = GenerationRequest.builder().messages(List.of(ChatMessage.user("long")))
                    .options(DecodingOptions.builder().strategy(Strategy.LLADA).genLength(64).blockLength(32).steps(64).build())
                    .build();
            CountDownLatch bothRunning = new CountDownLatch(2);
            GenerationHandle a = two.submit(longOne, countsItsFirstStep(bothRunning));
            GenerationHandle b = two.submit(longOne, countsItsFirstStep(bothRunning));
            assertThat(bothRunning.await(60, TimeUnit.SECONDS)).as("two decode at once").isTrue();
            GenerationHandle queued = two.submit(longOne, null);
            assertThat(two.decodingRequests()).isEqualTo(2);
            assertThat(two.queuedRequests()).isEqualTo(1);
            assertThatThrownBy(() -> two.submit(longOne, null))
                    .isInstanceOf(EngineOverloadedException.class).hasMessageContaining("overloaded");
            GenerationResult single = alone.generate(longOne);
            for (GenerationHandle h : List.of(a, b, queued)) {
                assertSameDecode(h.result().get(120, TimeUnit.SECONDS), single, longOne);
            }
        }
    }

    static GenerationListener countsItsFirstStep(CountDownLatch latch) {
        return new GenerationListener() {
            boolean counted;

            @Override
            public void onStep(StepRecord step) {
                if (!counted) {
                    counted = true;
                    latch.countDown();
                }
            }
        };
    }

    @Test
    void batchSizeIsValidated() {
        assertThatThrownBy(() -> EngineConfig.builder().maxBatchSize(0).build())
                .hasMessageContaining("maxBatchSize must be between 1 (one request at a time) and 256, got 0");
        assertThatThrownBy(() -> EngineConfig.builder().maxBatchSize(1000).build())
                .hasMessageContaining("got 1000");
    }
}
