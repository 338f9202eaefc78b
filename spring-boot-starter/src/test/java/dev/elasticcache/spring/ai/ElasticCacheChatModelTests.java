package dev.elasticcache.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.EngineOverloadedException;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.spring.TestModels;
import dev.elasticcache.tokenizer.ChatMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.Disposable;

/** Real generations on the embedded model when shipped, else on a random tiny checkpoint. */
class ElasticCacheChatModelTests {
    private static final Duration WAIT = Duration.ofSeconds(120);
    // A task of the shipped model's suite, so that the answer is not empty (open questions may get EOS at once).
    private static final String QUESTION = "Uppercase these words: robot flame heart queen lemon mango water radio noble house";
    private static final List<ChatMessage> MESSAGES =
            List.of(ChatMessage.system("You are terse."), ChatMessage.user(QUESTION));

    private static final String STORY = "Tell me a long story.";

    private static ElasticCacheEngine engine;
    private static final List<GenerationResult> seen = new CopyOnWriteArrayList<>();
    private static ElasticCacheChatModel model;
    private static ChatClient client;

    @BeforeAll
    static void load() {
        engine = ElasticCacheEngine.load(EngineConfig.builder()
                .modelDir(TestModels.embeddedModelPresent() ? null : TestModels.randomModel()).build());
        model = ElasticCacheChatModel.builder().engine(engine)
                .defaultOptions(ElasticCacheChatOptions.builder().maxTokens(32).build())
                .statsListeners(List.of(seen::add)).build();
        client = ChatClient.create(model);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @BeforeEach
    void reset() {
        seen.clear();
    }

    private static ChatClient.ChatClientRequestSpec question() {
        return client.prompt().system("You are terse.").user(QUESTION);
    }

    @Test
    void chatClientCallReturnsTheEnginesAnswerWithUsageAndStatistics() {
        ChatResponse response = question().call().chatResponse();

        GenerationResult direct = engine.generate(GenerationRequest.builder().messages(MESSAGES)
                .options(engine.defaultOptions().mutate().genLength(32).build()).build());
        assertThat(response.getResult().getOutput().getText()).isEqualTo(direct.text());
        assertThat(response.getMetadata().getUsage().getPromptTokens())
                .isEqualTo(direct.usage().promptTokens())
                .isEqualTo(engine.tokenizer().encodeChat(MESSAGES).length);
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(direct.usage().generationTokens());
        assertThat(response.getMetadata().getUsage().getTotalTokens()).isEqualTo(direct.usage().totalTokens());
        assertThat(response.getMetadata().getModel()).isEqualTo(engine.modelInfo().name());
        assertThat((String) response.getMetadata().get(ElasticCacheChatModel.METADATA_STRATEGY)).isEqualTo("elastic");
        assertThat((Integer) response.getMetadata().get(ElasticCacheChatModel.METADATA_NFE)).isEqualTo(direct.stats().nfe());
        assertThat((Double) response.getMetadata().get(ElasticCacheChatModel.METADATA_RECOMPUTE_FRACTION))
                .isEqualTo(direct.stats().recomputeFraction());
        assertThat((Double) response.getMetadata().get(ElasticCacheChatModel.METADATA_TOKENS_PER_SECOND)).isPositive();
        assertThat(response.getResult().getMetadata().getFinishReason()).isIn("STOP", "LENGTH");
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).stats().nfe()).isEqualTo(direct.stats().nfe());
    }

    @Test
    void streamDeliversTheSameAnswerAndEndsWithUsage() {
        ChatResponse called = question().call().chatResponse();

        List<ChatResponse> chunks = question().stream().chatResponse().collectList().block(WAIT);

        String streamed = chunks.stream().map(c -> c.getResult().getOutput().getText()).reduce("", String::concat);
        assertThat(streamed).isEqualTo(called.getResult().getOutput().getText());
        ChatResponse last = chunks.get(chunks.size() - 1);
        assertThat(last.getResult().getOutput().getText()).isEmpty();
        assertThat(last.getMetadata().getUsage().getPromptTokens()).isEqualTo(called.getMetadata().getUsage().getPromptTokens());
        assertThat(last.getMetadata().getUsage().getCompletionTokens())
                .isEqualTo(called.getMetadata().getUsage().getCompletionTokens());
        assertThat((Integer) last.getMetadata().get(ElasticCacheChatModel.METADATA_NFE))
                .isEqualTo((Integer) called.getMetadata().get(ElasticCacheChatModel.METADATA_NFE));
        assertThat(last.getResult().getMetadata().getFinishReason())
                .isEqualTo(called.getResult().getMetadata().getFinishReason());
        assertThat(seen).hasSize(2);
    }

    @Test
    void perRequestOptionsOverrideTheDefaults() {
        ChatResponse llada = question().options(ElasticCacheChatOptions.builder().strategy("llada").steps(8).maxTokens(30))
                .call().chatResponse();
        ChatResponse elastic = question().call().chatResponse();

        assertThat((String) llada.getMetadata().get(ElasticCacheChatModel.METADATA_STRATEGY)).isEqualTo("llada");
        assertThat((Integer) llada.getMetadata().get(ElasticCacheChatModel.METADATA_NFE)).isEqualTo(8);
        assertThat((Double) llada.getMetadata().get(ElasticCacheChatModel.METADATA_RECOMPUTE_FRACTION)).isEqualTo(1.0);
        assertThat((String) elastic.getMetadata().get(ElasticCacheChatModel.METADATA_STRATEGY)).isEqualTo("elastic");
        // gamma 1 refreshes on any drift, a tiny gamma almost never: tuning it for one call changes the work done
        ChatResponse eager = question().options(ElasticCacheChatOptions.builder().gamma(1.0)).call().chatResponse();
        ChatResponse lazy = question().options(ElasticCacheChatOptions.builder().gamma(0.01)).call().chatResponse();
        assertThat((Double) eager.getMetadata().get(ElasticCacheChatModel.METADATA_RECOMPUTE_FRACTION))
                .isGreaterThan((Double) lazy.getMetadata().get(ElasticCacheChatModel.METADATA_RECOMPUTE_FRACTION));
        assertThat(model.getOptions().getStrategy().id()).isEqualTo("elastic");
        // 30 tokens became a generation length of one 32-token block
        assertThat(seen.get(0).sequence().length - seen.get(0).promptIds().length).isEqualTo(32);
    }

    @Test
    void portableOptionsAreHonoured() {
        ChatResponse response = question().options(ChatOptions.builder().maxTokens(16)).call().chatResponse();

        assertThat(seen.get(0).sequence().length - seen.get(0).promptIds().length).isEqualTo(16);
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isLessThanOrEqualTo(16);
    }

    @Test
    void invalidRequestOptionsFailWithTheEnginesMessage() {
        assertThatThrownBy(() -> question().options(ElasticCacheChatOptions.builder().gamma(1.5)).call().content())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("gamma must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> question().options(ElasticCacheChatOptions.builder().gamma(1.5)).stream().content()
                .collectList().block(WAIT))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("gamma must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> model.call(new Prompt("hi", ElasticCacheChatOptions.builder().model("gpt-4").build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model 'gpt-4' is not loaded");
        assertThatThrownBy(() -> model.call(new Prompt(ToolResponseMessage.builder().responses(List.of()).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no responses");
        assertThat(seen).isEmpty();
    }

    @Test
    void cancellingTheStreamStopsDecoding() {
        Disposable running = model.stream(new Prompt(STORY, longRequest())).subscribe();
        running.dispose();

        ChatResponse next = model.call(new Prompt("Hi"));

        assertThat(next.getResult()).isNotNull();
        // the cancelled generation never completed: the only finished generation is the short one
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).promptIds().length).isEqualTo(next.getMetadata().getUsage().getPromptTokens());
    }

    @Test
    void overloadIsReportedAsEngineOverloadedException() {
        try (ElasticCacheEngine small = ElasticCacheEngine.load(EngineConfig.builder()
                .modelDir(TestModels.embeddedModelPresent() ? null : TestModels.randomModel()).maxBatchSize(1).queueCapacity(0).build())) {
            ElasticCacheChatModel busy = ElasticCacheChatModel.builder().engine(small).build();
            Disposable running = busy.stream(new Prompt(STORY, longRequest())).subscribe();
            try {
                assertThatThrownBy(() -> busy.call(new Prompt("Hi")))
                        .isInstanceOf(EngineOverloadedException.class)
                        .satisfies(e -> assertThat(((EngineOverloadedException) e).retryAfter()).isPositive());
                assertThatThrownBy(() -> busy.stream(new Prompt("Hi")).blockLast(WAIT))
                        .isInstanceOf(EngineOverloadedException.class);
            } finally {
                running.dispose();
            }
        }
    }

    /** A generation that runs for many seconds: llada, one token per step, most of the context. */
    private static ElasticCacheChatOptions longRequest() {
        int promptTokens = engine.tokenizer().encodeChat(List.of(ChatMessage.user(STORY))).length;
        int room = engine.modelInfo().config().maxSequenceLength() - promptTokens;
        int genLength = Math.min(room, 512) / 32 * 32;
        return ElasticCacheChatOptions.builder().strategy("llada").maxTokens(genLength).steps(0).build();
    }
}
