package dev.elasticcache.langchain4j;

import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationListener;
import dev.elasticcache.engine.GenerationResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LangChain4j {@link StreamingChatModel} that decodes in-process with an Elastic-Cache (LLaDA diffusion) engine.
 *
 * <p>Diffusion decoding finishes tokens out of order; {@code onPartialResponse} receives the answer's finished
 * prefix as it grows (the concatenated partial responses equal the final text), then exactly one
 * {@code onCompleteResponse} follows, or one {@code onError} (overload as {@code RateLimitException}, timeout as
 * {@code TimeoutException}, invalid values as {@code InvalidRequestException}, engine failures). Requests for
 * unsupported features (JSON format without a schema, images on a text-only model, ...) are refused at once: {@code chat(...)} throws
 * {@link UnsupportedFeatureException}, as LangChain4j's providers do.
 *
 * <p>Tools and JSON schemas work as in {@link ElasticCacheChatModel}. An answer of tool calls streams no text:
 * {@code onCompleteToolCall} is called once per call (index 0, 1, ...) and then {@code onCompleteResponse} with
 * the calls as the {@code AiMessage}'s tool execution requests (no partial tool calls: a call's arguments are
 * infilled out of order and only the whole call is valid). A schema document arrives as one partial response
 * once it is complete, for the same reason.
 *
 * <p>Threads: {@code chat(...)} returns at once. Decoding runs on the engine's decoding thread; every handler
 * callback of one request runs on one thread of the {@linkplain Builder#executor executor} (by default a shared
 * pool of daemon threads), never on the caller's thread and never on the decoding thread, so a slow handler does
 * not stall decoding. Cancel through the {@link StreamingHandle} of {@code PartialResponseContext}: decoding
 * stops within one step and no further callback (not even {@code onError}) is made.
 */
public class ElasticCacheStreamingChatModel extends ElasticCacheModelBase implements StreamingChatModel {

    private static final Logger log = LoggerFactory.getLogger(ElasticCacheStreamingChatModel.class);

    private final Executor executor;

    private ElasticCacheStreamingChatModel(Builder builder) {
        super(builder);
        this.executor = builder.executor != null ? builder.executor : CallbackThreads.EXECUTOR;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
        ElasticCacheSupport.Prepared prepared;
        try {
            prepared = support.prepare(chatRequest);
        } catch (UnsupportedFeatureException e) {
            throw e; // refused on the caller's thread, as LangChain4j's providers do
        } catch (RuntimeException e) {
            Throwable error = ElasticCacheSupport.mapError(e); // invalid values: reported like engine-side errors
            executor.execute(() -> deliverError(handler, error));
            return;
        }
        Stream stream = new Stream(prepared, handler);
        executor.execute(stream::run);
    }

    private static void deliverError(StreamingChatResponseHandler handler, Throwable error) {
        try {
            handler.onError(error);
        } catch (Exception e) {
            log.warn("StreamingChatResponseHandler.onError threw; ignored", e);
        }
    }

    /** The default callback threads: daemon threads shared by all streaming models, idle ones end after 30 s. */
    private static final class CallbackThreads {
        private static final AtomicInteger COUNT = new AtomicInteger();
        static final Executor EXECUTOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "elastic-cache-stream-" + COUNT.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** One streaming generation: engine events are queued by the decoding thread and delivered by one executor thread. */
    private final class Stream implements StreamingHandle {
        private final ElasticCacheSupport.Prepared prepared;
        private final StreamingChatResponseHandler handler;
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicReference<GenerationHandle> generation = new AtomicReference<>();

        Stream(ElasticCacheSupport.Prepared prepared, StreamingChatResponseHandler handler) {
            this.prepared = prepared;
            this.handler = handler;
        }

        void run() {
            try {
                GenerationHandle handle = support.engine().submit(prepared.request(), new GenerationListener() {
                    @Override
                    public void onText(String delta) {
                        events.add(new Text(delta));
                    }

                    @Override
                    public void onComplete(GenerationResult result) {
                        events.add(new Done(result));
                    }

                    @Override
                    public void onError(Throwable error) {
                        events.add(new Failed(error));
                    }
                });
                generation.set(handle);
                if (cancelled.get()) {
                    handle.cancel();
                }
            } catch (RuntimeException e) {
                if (!cancelled.get()) {
                    deliverError(ElasticCacheSupport.mapError(e));
                }
                return;
            }
            deliver();
        }

        private void deliver() {
            PartialResponseContext context = new PartialResponseContext(this);
            while (true) {
                Object event;
                try {
                    event = events.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel();
                    return;
                }
                if (cancelled.get() || event == CANCELLED) {
                    return;
                }
                if (event instanceof Text text) {
                    try {
                        handler.onPartialResponse(new PartialResponse(text.delta()), context);
                    } catch (Exception e) {
                        deliverError(e);
                    }
                } else if (event instanceof Done done) {
                    ChatResponse response = support.toChatResponse(done.result(), prepared.options());
                    List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
                    for (int i = 0; i < calls.size(); i++) {
                        try {
                            handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
                        } catch (Exception e) {
                            deliverError(e);
                        }
                        if (cancelled.get()) {
                            return;
                        }
                    }
                    try {
                        handler.onCompleteResponse(response);
                    } catch (Exception e) {
                        deliverError(e);
                    }
                    return;
                } else if (event instanceof Failed failed) {
                    deliverError(ElasticCacheSupport.mapError(failed.error()));
                    return;
                }
            }
        }

        private void deliverError(Throwable error) {
            ElasticCacheStreamingChatModel.deliverError(handler, error);
        }

        @Override
        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                GenerationHandle handle = generation.get();
                if (handle != null) {
                    handle.cancel();
                }
                events.add(CANCELLED);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }

    private static final Object CANCELLED = new Object();

    private record Text(String delta) {}

    private record Done(GenerationResult result) {}

    private record Failed(Throwable error) {}

    /** Builder; see {@link ElasticCacheModelBuilder} for the engine and request defaults. */
    public static class Builder extends ElasticCacheModelBuilder<Builder> {
        private Executor executor;

        /**
         * Where handler callbacks run; each streaming request occupies one task of it until its last callback
         * (so the executor must be able to run as many tasks at once as requests stream). Default: a shared pool of
         * daemon threads. An injected executor is not shut down by {@link #close()}.
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Builds the model, loading the engine unless one was shared.
         *
         * @throws dev.langchain4j.exception.UnsupportedFeatureException when the default parameters ask for
         *     something unsupported
         * @throws dev.langchain4j.exception.InvalidRequestException when a decoding knob is out of range
         */
        public ElasticCacheStreamingChatModel build() {
            return new ElasticCacheStreamingChatModel(this);
        }
    }
}
