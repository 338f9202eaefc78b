package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.EngineOverloadedException;
import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationTimeoutException;
import dev.elasticcache.model.weights.WeightDtype;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link ElasticCacheChatModel} on a real engine (random tiny checkpoint). Answers are kept short (8-16 tokens). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElasticCacheChatModelTest {

    private final ElasticCacheEngine engine = TestEngines.shared();
    private final ElasticCacheChatModel model = ElasticCacheChatModel.builder()
            .engine(engine)
            .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(12).build())
            .build();

    @AfterAll
    void closeModel() {
        model.close();
        assertThat(engine.isClosed()).as("a shared engine outlives the model").isFalse();
    }

    private static ChatRequest ask(String text, ChatRequestParameters parameters) {
        return ChatRequest.builder().messages(UserMessage.from(text)).parameters(parameters).build();
    }

    private static ElasticCacheChatResponseMetadata meta(ChatResponse response) {
        return (ElasticCacheChatResponseMetadata) response.metadata();
    }

    interface Assistant {
        String chat(String message);
    }

    @Test
    void ai_service_with_message_window_memory_sends_the_conversation_and_listener_sees_usage() {
        List<ChatModelRequestContext> requests = new CopyOnWriteArrayList<>();
        List<ChatModelResponseContext> responses = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                requests.add(context);
            }

            @Override
            public void onResponse(ChatModelResponseContext context) {
                responses.add(context);
            }
        };
        ElasticCacheChatModel listened = ElasticCacheChatModel.builder()
                .engine(engine)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(8).build())
                .listeners(listener)
                .build();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(listened)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(10))
                .systemMessageProvider(id -> "You are terse.")
                .build();

        String first = assistant.chat("Hi, my favourite colour is green");
        String second = assistant.chat("What is my favourite colour?");

        assertThat(requests).hasSize(2);
        assertThat(responses).hasSize(2);
        ChatResponse firstResponse = responses.get(0).chatResponse();
        assertThat(firstResponse.aiMessage().text()).isEqualTo(first);
        assertThat(responses.get(1).chatResponse().aiMessage().text()).isEqualTo(second);
        // The second call carries the whole window: system, first question, first answer, second question.
        List<ChatMessage> window = requests.get(1).chatRequest().messages();
        assertThat(window).hasSize(4);
        assertThat(window.get(0)).isEqualTo(SystemMessage.from("You are terse."));
        assertThat(window.get(1)).isEqualTo(UserMessage.from("Hi, my favourite colour is green"));
        assertThat(((AiMessage) window.get(2)).text()).isEqualTo(first);
        assertThat(window.get(3)).isEqualTo(UserMessage.from("What is my favourite colour?"));
        // The listener saw the merged parameters and the usage.
        assertThat(requests.get(0).chatRequest().parameters().maxOutputTokens()).isEqualTo(8);
        assertThat(requests.get(0).chatRequest().parameters().modelName()).isEqualTo(engine.modelInfo().name());
        assertThat(requests.get(0).modelProvider()).isEqualTo(ModelProvider.OTHER);
        for (ChatModelResponseContext response : responses) {
            TokenUsage usage = response.chatResponse().tokenUsage();
            assertThat(usage.inputTokenCount()).isPositive();
            assertThat(usage.outputTokenCount()).isBetween(0, 8);
            assertThat(usage.totalTokenCount()).isEqualTo(usage.inputTokenCount() + usage.outputTokenCount());
        }
        // The second prompt holds the first exchange, so it is longer by at least the first answer.
        assertThat(responses.get(1).chatResponse().tokenUsage().inputTokenCount())
                .isGreaterThan(responses.get(0).chatResponse().tokenUsage().inputTokenCount()
                        + responses.get(0).chatResponse().tokenUsage().outputTokenCount());
    }

    @Test
    void response_carries_usage_finish_reason_model_name_and_decoding_statistics() {
        ChatResponse response = model.chat(ask("Tell me about diffusion models", null));

        ElasticCacheChatResponseMetadata meta = meta(response);
        assertThat(meta.id()).startsWith("ec-");
        assertThat(meta.modelName()).isEqualTo(engine.modelInfo().name());
        assertThat(meta.tokenUsage().inputTokenCount()).isPositive();
        assertThat(meta.tokenUsage().outputTokenCount()).isBetween(0, 12);
        assertThat(meta.finishReason()).isEqualTo(
                meta.tokenUsage().outputTokenCount() == 12 ? FinishReason.LENGTH : FinishReason.STOP);
        assertThat(meta.strategy()).isEqualTo(Strategy.ELASTIC);
        assertThat(meta.genLength()).isEqualTo(12);
        assertThat(meta.nfe()).isBetween(1, 12);
        assertThat(meta.recomputeFraction()).isBetween(0.0, 1.0);
        assertThat(meta.tokensPerSecond()).isPositive();
        assertThat(meta.decodingTime()).isPositive();
        assertThat(meta.decodingStats().tokensDecoded()).isEqualTo(12);
    }

    @Test
    void max_output_tokens_sets_the_generation_length_rounded_up_to_whole_blocks_for_block_strategies() {
        ChatResponse eight = model.chat(ask("Count", ChatRequestParameters.builder().maxOutputTokens(8).build()));
        assertThat(meta(eight).genLength()).isEqualTo(8);
        assertThat(meta(eight).decodingStats().tokensDecoded()).isEqualTo(8);
        assertThat(eight.tokenUsage().outputTokenCount()).isLessThanOrEqualTo(8);

        ChatResponse blocks = model.chat(ask("Count", ElasticCacheChatRequestParameters.builder()
                .strategy(Strategy.FAST_DLLM).blockLength(8).maxOutputTokens(10).build()));
        assertThat(meta(blocks).strategy()).isEqualTo(Strategy.FAST_DLLM);
        assertThat(meta(blocks).genLength()).isEqualTo(16);
        assertThat(meta(blocks).decodingOptions().blockLength()).isEqualTo(8);
        assertThat(meta(blocks).decodingStats().tokensDecoded()).isEqualTo(16);
    }

    @Test
    void temperature_is_honoured_per_request() {
        ChatRequestParameters greedy = ElasticCacheChatRequestParameters.builder().temperature(0.0).seed(3L).build();
        ChatRequestParameters hot = ElasticCacheChatRequestParameters.builder().temperature(50.0).seed(3L).build();

        String greedyText = model.chat(ask("Say something", greedy)).aiMessage().text();
        ChatResponse hotResponse = model.chat(ask("Say something", hot));

        assertThat(meta(hotResponse).decodingOptions().temperature()).isEqualTo(50.0);
        assertThat(meta(hotResponse).decodingOptions().seed()).isEqualTo(3L);
        assertThat(model.chat(ask("Say something", greedy)).aiMessage().text())
                .as("greedy decoding is deterministic").isEqualTo(greedyText);
        assertThat(hotResponse.aiMessage().text()).as("sampling at temperature 50 changes the answer")
                .isNotEqualTo(greedyText);
        assertThat(model.chat(ask("Say something", hot)).aiMessage().text())
                .as("same seed, same sample").isEqualTo(hotResponse.aiMessage().text());
    }

    @Test
    void stop_sequences_cut_the_answer_and_finish_with_stop() {
        ChatRequestParameters sixteen = ChatRequestParameters.builder().maxOutputTokens(16).build();
        String full = model.chat(ask("Write a line", sixteen)).aiMessage().text();
        // A stop sequence taken from inside the greedy answer: the first valid (non-replacement) character after
        // the first one.
        int at = 1;
        while (at < full.length() && full.charAt(at) == '\uFFFD') {
            at++;
        }
        assertThat(at).as("answer '%s' has a valid character after its first", full).isLessThan(full.length());
        String stop = full.substring(at, at + 1);
        String expected = full.substring(0, full.indexOf(stop));

        ChatResponse cut = model.chat(ask("Write a line",
                ChatRequestParameters.builder().maxOutputTokens(16).stopSequences(List.of(stop)).build()));

        assertThat(cut.aiMessage().text()).isEqualTo(expected).doesNotContain(stop);
        assertThat(cut.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(meta(cut).engineFinishReason()).isEqualTo(dev.elasticcache.engine.FinishReason.STOP_SEQUENCE);
        assertThat(cut.tokenUsage().outputTokenCount()).isLessThan(16);
    }

    @Test
    void default_parameters_show_the_engine_defaults_under_the_builder_defaults() {
        ElasticCacheChatRequestParameters defaults = model.defaultRequestParameters();
        assertThat(defaults.modelName()).isEqualTo(engine.modelInfo().name());
        assertThat(defaults.maxOutputTokens()).isEqualTo(12); // builder default over the engine's 128
        assertThat(defaults.strategy()).isEqualTo(engine.defaultOptions().strategy());
        assertThat(defaults.temperature()).isEqualTo(engine.defaultOptions().temperature());
        assertThat(defaults.threshold()).isEqualTo(engine.defaultOptions().threshold());
        assertThat(defaults.gamma()).isEqualTo(engine.defaultOptions().gamma());
        assertThat(model.provider()).isEqualTo(ModelProvider.OTHER);
        assertThat(model.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    @Test
    void unsupported_features_fail_with_clear_unsupported_feature_errors() {
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder()
                        .responseFormat(ResponseFormat.JSON).build())))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("JSON response format without a JSON schema is not supported")
                .hasMessageContaining("give a schema");
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder().topK(5).build())))
                .isExactlyInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("'topK'");
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder().topP(0.9).build())))
                .isExactlyInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("'topP'");
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder().presencePenalty(0.5).build())))
                .isExactlyInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("'presencePenalty'");
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder().modelName("gpt-4o").build())))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("modelName 'gpt-4o' is not supported")
                .hasMessageContaining(engine.modelInfo().name());
        UserMessage withImage = UserMessage.from(TextContent.from("What is this?"),
                ImageContent.from("aGVsbG8=", "image/png"));
        assertThatThrownBy(() -> model.chat(withImage))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("content of type image").hasMessageContaining("text-only");
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().engine(engine)
                        .defaultRequestParameters(ChatRequestParameters.builder().topK(3).build()).build())
                .as("unsupported defaults fail at build time")
                .isExactlyInstanceOf(UnsupportedFeatureException.class);
    }

    @Test
    void neutral_values_and_the_loaded_model_name_are_accepted() {
        ChatResponse response = model.chat(ask("hi", ChatRequestParameters.builder()
                .modelName(engine.modelInfo().name()).topP(1.0).frequencyPenalty(0.0).presencePenalty(0.0)
                .maxOutputTokens(4).build()));
        assertThat(meta(response).genLength()).isEqualTo(4);
    }

    @Test
    void invalid_values_fail_as_invalid_requests_naming_the_knob() {
        assertThatThrownBy(() -> model.chat(ask("hi", ElasticCacheChatRequestParameters.builder().gamma(1.5).build())))
                .isExactlyInstanceOf(InvalidRequestException.class).hasMessageContaining("gamma");
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder().maxOutputTokens(0).build())))
                .isExactlyInstanceOf(InvalidRequestException.class).hasMessageContaining("maxOutputTokens");
        assertThatThrownBy(() -> model.chat(ask("hi", ChatRequestParameters.builder().maxOutputTokens(5000).build())))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("exceeds the model's max sequence length")
                .hasCauseExactlyInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().engine(engine)
                        .defaultRequestParameters(ElasticCacheChatRequestParameters.builder().strategy(Strategy.LLADA)
                                .blockLength(32).maxOutputTokens(64).steps(3).build())
                        .build())
                .isExactlyInstanceOf(InvalidRequestException.class).hasMessageContaining("steps (3)");
    }

    @Test
    void a_draining_engine_maps_to_a_retriable_server_error_keeping_the_engine_exception() {
        try (ElasticCacheEngine draining = ElasticCacheEngine.load(EngineConfig.builder().modelDir(TestEngines.checkpoint()).build())) {
            draining.drain();
            assertThatThrownBy(() -> ElasticCacheChatModel.builder().engine(draining).build().chat("hello"))
                    .isExactlyInstanceOf(dev.langchain4j.exception.InternalServerException.class)
                    .isInstanceOf(dev.langchain4j.exception.RetriableException.class)
                    .hasMessageContaining("another instance")
                    .hasCauseExactlyInstanceOf(dev.elasticcache.engine.EngineDrainingException.class);
        }
    }

    @Test
    void overload_maps_to_a_retriable_rate_limit_error_keeping_the_engine_exception() throws Exception {
        try (ElasticCacheEngine busy = ElasticCacheEngine.load(
                EngineConfig.builder().modelDir(TestEngines.checkpoint()).maxBatchSize(1).queueCapacity(0).build())) {
            ElasticCacheChatModel overloaded = ElasticCacheChatModel.builder().engine(busy).build();
            List<Throwable> listenerErrors = new CopyOnWriteArrayList<>();
            ElasticCacheChatModel listened = ElasticCacheChatModel.builder().engine(busy)
                    .listeners(new ChatModelListener() {
                        @Override
                        public void onError(ChatModelErrorContext context) {
                            listenerErrors.add(context.error());
                        }
                    }).build();
            GenerationHandle running = busy.submit(GenerationRequest.builder().text("keep busy")
                    .options(busy.defaultOptions().mutate().genLength(512).build()).build(), null);
            try {
                assertThatThrownBy(() -> overloaded.chat("hello"))
                        .isExactlyInstanceOf(RateLimitException.class)
                        .hasMessageContaining("overloaded")
                        .hasCauseExactlyInstanceOf(EngineOverloadedException.class);
                assertThatThrownBy(() -> listened.chat("hello")).isExactlyInstanceOf(RateLimitException.class);
                assertThat(listenerErrors).singleElement().isInstanceOf(RateLimitException.class);
            } finally {
                running.cancel();
            }
            awaitFailure(running);
        }
    }

    /** Waits until a cancelled generation has ended (it ends exceptionally). */
    static void awaitFailure(GenerationHandle handle) {
        try {
            handle.result().get(60, TimeUnit.SECONDS);
        } catch (Exception expected) {
            // cancelled: ExecutionException or CancellationException, depending on when the cancel landed
        }
        assertThat(handle.result()).isCompletedExceptionally();
    }

    @Test
    void timeout_maps_to_a_langchain4j_timeout() {
        ElasticCacheChatModel hasty = ElasticCacheChatModel.builder().engine(engine).timeout(Duration.ofMillis(30))
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(512).build()).build();
        assertThatThrownBy(() -> hasty.chat("hello"))
                .isExactlyInstanceOf(TimeoutException.class)
                .hasCauseExactlyInstanceOf(GenerationTimeoutException.class);
    }

    @Test
    void an_owned_engine_is_loaded_from_the_model_dir_and_closed_with_the_model() {
        ElasticCacheChatModel owned = ElasticCacheChatModel.builder().modelDir(TestEngines.checkpoint())
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(4).build()).build();
        ElasticCacheEngine ownEngine = owned.engine();
        assertThat(ownEngine).isNotSameAs(engine);
        assertThat(owned.chat(UserMessage.from("hi")).tokenUsage().inputTokenCount()).isPositive();
        owned.close();
        assertThat(ownEngine.isClosed()).isTrue();
        assertThatThrownBy(() -> owned.chat("hi")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void dtype_keeps_a_bf16_checkpoint_mapped_and_answers_as_fp32_does(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path folder = dev.elasticcache.checkpoint.RandomCheckpoint.write(dir, dev.elasticcache.checkpoint.RandomCheckpoint
                .tinyConfig().build(), 4, dev.elasticcache.checkpoint.DType.BF16, 1);
        ChatRequestParameters four = ChatRequestParameters.builder().maxOutputTokens(8).build();
        try (ElasticCacheChatModel mapped = ElasticCacheChatModel.builder().modelDir(folder).dtype("bfloat16")
                        .defaultRequestParameters(four).build();
                ElasticCacheChatModel widened = ElasticCacheChatModel.builder().modelDir(folder).dtype(WeightDtype.FLOAT32)
                        .defaultRequestParameters(four).build()) {
            assertThat(mapped.engine().config().dtype()).isEqualTo(WeightDtype.BFLOAT16);
            assertThat(mapped.engine().diffusionModel().weightFootprint().mapped()).isTrue();
            assertThat(widened.engine().diffusionModel().weightFootprint().mapped()).isFalse();
            assertThat(mapped.chat("Uppercase: robot")).isEqualTo(widened.chat("Uppercase: robot"));
        }
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().dtype("int8"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use one of auto, float32, bfloat16, float16, float16-compute");
    }

    @Test
    void builder_refuses_two_engine_sources() {
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().engine(engine).modelDir(TestEngines.checkpoint()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    }

    @Test
    void interrupted_caller_cancels_the_generation() throws Exception {
        ElasticCacheChatModel slow = ElasticCacheChatModel.builder().engine(engine)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(512).build()).build();
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        Thread caller = new Thread(() -> {
            try {
                slow.chat("hello");
            } catch (Throwable t) {
                thrown.add(t);
            }
        });
        caller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (engine.decodingRequests() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until the caller's request is decoding: then the interrupt must cancel it
        }
        caller.interrupt();
        caller.join(30_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown).singleElement().isInstanceOf(CancellationException.class);
    }
}
