package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.EngineOverloadedException;
import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationRequest;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link ElasticCacheStreamingChatModel} on a real engine (random tiny checkpoint). */
class ElasticCacheStreamingChatModelTest {

    private final ElasticCacheEngine engine = TestEngines.shared();

    private ElasticCacheStreamingChatModel model(int maxOutputTokens, ChatModelListener... listeners) {
        return ElasticCacheStreamingChatModel.builder()
                .engine(engine)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(maxOutputTokens).build())
                .listeners(listeners)
                .build();
    }

    /** Records every callback with its thread. */
    static class Recorder implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final List<ChatResponse> completes = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<CompleteToolCall> toolCalls = new CopyOnWriteArrayList<>();
        /** The callbacks in order: "partial", "tool", "complete", "error". */
        final List<String> order = new CopyOnWriteArrayList<>();
        final Set<Thread> threads = new CopyOnWriteArraySet<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(String partialResponse) {
            threads.add(Thread.currentThread());
            partials.add(partialResponse);
            order.add("partial");
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            threads.add(Thread.currentThread());
            toolCalls.add(completeToolCall);
            order.add("tool");
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            threads.add(Thread.currentThread());
            completes.add(completeResponse);
            order.add("complete");
            done.complete(null);
        }

        @Override
        public void onError(Throwable error) {
            threads.add(Thread.currentThread());
            errors.add(error);
            order.add("error");
            done.complete(null);
        }

        void await() throws Exception {
            done.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void partial_responses_concatenate_to_the_complete_text_on_one_thread_other_than_the_callers() throws Exception {
        Recorder recorder = new Recorder();
        model(32).chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story")).build(), recorder);
        recorder.await();
        Thread.sleep(50); // nothing may follow the completion

        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.completes).hasSize(1);
        ChatResponse response = recorder.completes.get(0);
        assertThat(recorder.partials).isNotEmpty().allSatisfy(p -> assertThat(p).isNotEmpty());
        assertThat(String.join("", recorder.partials)).isEqualTo(response.aiMessage().text());
        assertThat(recorder.threads).hasSize(1);
        Thread callbackThread = recorder.threads.iterator().next();
        assertThat(callbackThread).isNotEqualTo(Thread.currentThread());
        assertThat(callbackThread.getName()).startsWith("elastic-cache-stream-");
        ElasticCacheChatResponseMetadata meta = (ElasticCacheChatResponseMetadata) response.metadata();
        assertThat(meta.genLength()).isEqualTo(32);
        assertThat(meta.nfe()).isPositive();
        assertThat(response.tokenUsage().totalTokenCount())
                .isEqualTo(response.tokenUsage().inputTokenCount() + response.tokenUsage().outputTokenCount());
    }

    @Test
    void callbacks_run_on_the_injected_executor() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "injected-callbacks"));
        try {
            ElasticCacheStreamingChatModel onExecutor = ElasticCacheStreamingChatModel.builder().engine(engine)
                    .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(8).build())
                    .executor(executor).build();
            Recorder recorder = new Recorder();
            onExecutor.chat("hello", recorder);
            recorder.await();
            assertThat(recorder.completes).hasSize(1);
            assertThat(recorder.threads).extracting(Thread::getName).containsExactly("injected-callbacks");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void max_output_tokens_and_stop_sequences_are_honoured_when_streaming() throws Exception {
        Recorder full = new Recorder();
        model(16).chat("Write a line", full);
        full.await();
        String text = full.completes.get(0).aiMessage().text();
        int at = 1;
        while (at < text.length() && text.charAt(at) == '\uFFFD') {
            at++;
        }
        assertThat(at).as("answer '%s' has a valid character after its first", text).isLessThan(text.length());
        String stop = text.substring(at, at + 1);

        Recorder cut = new Recorder();
        model(16).chat(ChatRequest.builder().messages(UserMessage.from("Write a line"))
                .parameters(ChatRequestParameters.builder().stopSequences(stop).build()).build(), cut);
        cut.await();

        ChatResponse response = cut.completes.get(0);
        assertThat(response.aiMessage().text()).isEqualTo(text.substring(0, text.indexOf(stop)));
        assertThat(String.join("", cut.partials)).isEqualTo(response.aiMessage().text());
        assertThat(((ElasticCacheChatResponseMetadata) response.metadata()).engineFinishReason())
                .isEqualTo(dev.elasticcache.engine.FinishReason.STOP_SEQUENCE);
        assertThat(((ElasticCacheChatResponseMetadata) full.completes.get(0).metadata()).genLength()).isEqualTo(16);
    }

    @Test
    void overload_is_reported_through_on_error_not_thrown() throws Exception {
        try (ElasticCacheEngine busy = ElasticCacheEngine.load(
                EngineConfig.builder().modelDir(TestEngines.checkpoint()).maxBatchSize(1).queueCapacity(0).build())) {
            AtomicReference<Throwable> listenerError = new AtomicReference<>();
            ElasticCacheStreamingChatModel overloaded = ElasticCacheStreamingChatModel.builder().engine(busy)
                    .listeners(new ChatModelListener() {
                        @Override
                        public void onError(ChatModelErrorContext context) {
                            listenerError.set(context.error());
                        }
                    }).build();
            GenerationHandle running = busy.submit(GenerationRequest.builder().text("keep busy")
                    .options(busy.defaultOptions().mutate().genLength(512).build()).build(), null);
            Recorder recorder = new Recorder();
            try {
                overloaded.chat("hello", recorder);
                recorder.await();
            } finally {
                running.cancel();
            }
            assertThat(recorder.completes).isEmpty();
            assertThat(recorder.partials).isEmpty();
            assertThat(recorder.errors).singleElement()
                    .isInstanceOf(RateLimitException.class)
                    .extracting(Throwable::getCause).isInstanceOf(EngineOverloadedException.class);
            assertThat(listenerError.get()).isSameAs(recorder.errors.get(0));
            assertThat(recorder.threads).doesNotContain(Thread.currentThread());
            ElasticCacheChatModelTest.awaitFailure(running);
        }
    }

    @Test
    void streaming_with_tools_completes_once_with_the_calls_after_one_complete_tool_call_each() throws Exception {
        Recorder recorder = new Recorder();
        model(12).chat(ChatRequest.builder().messages(UserMessage.from("What is the weather in Munich?"))
                .parameters(ChatRequestParameters.builder()
                        .toolSpecifications(ElasticCacheToolsAndSchemasTest.WEATHER, ElasticCacheToolsAndSchemasTest.ADD)
                        .toolChoice(ToolChoice.REQUIRED).build())
                .build(), recorder);
        recorder.await();
        Thread.sleep(50); // nothing may follow the completion

        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.completes).hasSize(1);
        ChatResponse response = recorder.completes.get(0);
        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        assertThat(calls).isNotEmpty().allSatisfy(call -> ElasticCacheToolsAndSchemasTest.assertValidCall(call,
                ElasticCacheToolsAndSchemasTest.WEATHER, ElasticCacheToolsAndSchemasTest.ADD));
        assertThat(response.aiMessage().text()).isNull();
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(recorder.partials).as("a tool-call answer streams no text").isEmpty();
        assertThat(recorder.toolCalls).extracting(CompleteToolCall::index)
                .containsExactlyElementsOf(IntStream.range(0, calls.size()).boxed().toList());
        assertThat(recorder.toolCalls).extracting(CompleteToolCall::toolExecutionRequest).containsExactlyElementsOf(calls);
        List<String> expectedOrder = new ArrayList<>(Collections.nCopies(calls.size(), "tool"));
        expectedOrder.add("complete");
        assertThat(recorder.order).containsExactlyElementsOf(expectedOrder);
        assertThat(recorder.threads).hasSize(1).doesNotContain(Thread.currentThread());
    }

    @Test
    void streaming_a_schema_answer_delivers_the_document_as_one_partial_response() throws Exception {
        Recorder recorder = new Recorder();
        model(12).chat(ChatRequest.builder().messages(UserMessage.from("Where?"))
                .parameters(ChatRequestParameters.builder().responseFormat(ResponseFormat.builder()
                        .type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder().name("Answer")
                                .rootElement(JsonObjectSchema.builder().addStringProperty("city")
                                        .addIntegerProperty("zip").build()).build()).build()).build())
                .build(), recorder);
        recorder.await();

        assertThat(recorder.errors).isEmpty();
        ChatResponse response = recorder.completes.get(0);
        assertThat(recorder.partials).containsExactly(response.aiMessage().text());
        assertThat(ElasticCacheToolsAndSchemasTest.object(response.aiMessage().text()).keySet())
                .containsExactly("city", "zip");
        assertThat(recorder.toolCalls).isEmpty();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void an_unsupported_tool_schema_keyword_is_reported_through_on_error_naming_tool_and_keyword() throws Exception {
        Recorder recorder = new Recorder();
        ToolSpecification lookup = ToolSpecification.builder().name("lookup_code")
                .parameters(JsonObjectSchema.builder()
                        .addProperty("code", JsonRawSchema.from("{\"type\":\"string\",\"format\":\"email\"}"))
                        .build())
                .build();
        model(8).chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(lookup).build()).build(), recorder);
        recorder.await();
        assertThat(recorder.errors).singleElement().isExactlyInstanceOf(InvalidRequestException.class)
                .extracting(Throwable::getMessage).asString()
                .contains("tool 'lookup_code'").contains("'format'");
        assertThat(recorder.completes).isEmpty();
        assertThat(recorder.toolCalls).isEmpty();
    }

    @Test
    void unsupported_features_are_refused_on_the_callers_thread() {
        Recorder recorder = new Recorder();
        ChatRequest json = ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().responseFormat(ResponseFormat.JSON).build()).build();
        assertThatThrownBy(() -> model(8).chat(json, recorder))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("JSON response format without a JSON schema is not supported");
        assertThat(recorder.done).isNotDone();
    }

    @Test
    void invalid_values_are_reported_through_on_error_off_the_callers_thread() throws Exception {
        Recorder recorder = new Recorder();
        ChatRequest invalid = ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ElasticCacheChatRequestParameters.builder().windowLength(0).build()).build();
        model(8).chat(invalid, recorder);
        recorder.await();
        assertThat(recorder.errors).singleElement()
                .isExactlyInstanceOf(InvalidRequestException.class)
                .extracting(Throwable::getMessage).asString().contains("windowLength must be >= 1");
        assertThat(recorder.threads).doesNotContain(Thread.currentThread());
        assertThat(recorder.completes).isEmpty();
    }

    @Test
    void user_exceptions_from_callbacks_go_to_on_error_and_listeners_and_decoding_goes_on() throws Exception {
        RuntimeException boom = new RuntimeException("user code failed");
        AtomicInteger listenerErrors = new AtomicInteger();
        AtomicInteger listenerResponses = new AtomicInteger();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onResponse(ChatModelResponseContext context) {
                listenerResponses.incrementAndGet();
            }

            @Override
            public void onError(ChatModelErrorContext context) {
                assertThat(context.error()).isSameAs(boom);
                listenerErrors.incrementAndGet();
            }
        };
        AtomicInteger partialCalls = new AtomicInteger();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> complete = new CompletableFuture<>();
        StreamingChatResponseHandler throwing = new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                partialCalls.incrementAndGet();
                throw boom;
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                complete.complete(completeResponse);
                throw boom;
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
                throw new IllegalStateException("thrown from onError: logged and ignored");
            }
        };

        model(16, listener).chat("Tell me a story", throwing);
        complete.get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (errors.size() < partialCalls.get() + 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the onError for the completion follows it on the decoding thread
        }

        assertThat(partialCalls.get()).isPositive();
        assertThat(errors).hasSize(partialCalls.get() + 1).allSatisfy(e -> assertThat(e).isSameAs(boom));
        assertThat(listenerErrors.get()).isEqualTo(partialCalls.get() + 1);
        assertThat(listenerResponses.get()).isEqualTo(1);
    }

    @Test
    void cancelling_through_the_streaming_handle_stops_decoding_without_further_callbacks() throws Exception {
        AtomicReference<StreamingHandle> handle = new AtomicReference<>();
        CompletableFuture<Void> firstPartial = new CompletableFuture<>();
        Recorder recorder = new Recorder() {
            @Override
            public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
                handle.set(context.streamingHandle());
                context.streamingHandle().cancel();
                onPartialResponse(partialResponse.text());
                firstPartial.complete(null);
            }
        };
        model(64).chat("Tell me a long story", recorder);
        firstPartial.get(60, TimeUnit.SECONDS);
        // The engine decodes one request at a time: once a later request is answered, the cancelled one is over.
        ChatResponse after = ElasticCacheChatModel.builder().engine(engine).build()
                .chat(ChatRequest.builder().messages(UserMessage.from("next")).maxOutputTokens(4).build());
        Thread.sleep(50);

        assertThat(after.aiMessage()).isNotNull();
        assertThat(recorder.partials).hasSize(1);
        assertThat(recorder.completes).isEmpty();
        assertThat(recorder.errors).isEmpty();
        assertThat(handle.get().isCancelled()).isTrue();
        handle.get().cancel(); // idempotent
        assertThat(handle.get().isCancelled()).isTrue();
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    @Test
    void streaming_ai_service_with_memory() throws Exception {
        MessageWindowChatMemory memory = MessageWindowChatMemory.withMaxMessages(10);
        StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
                .streamingChatModel(model(8))
                .chatMemory(memory)
                .build();
        StringBuilder streamed = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        assistant.chat("Hello there")
                .onPartialResponse(streamed::append)
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse response = done.get(60, TimeUnit.SECONDS);

        assertThat(streamed.toString()).isEqualTo(response.aiMessage().text());
        assertThat(memory.messages()).hasSize(2);
        assertThat(memory.messages().get(0)).isEqualTo(UserMessage.from("Hello there"));
        assertThat(memory.messages().get(1)).isEqualTo(response.aiMessage());
    }
}
