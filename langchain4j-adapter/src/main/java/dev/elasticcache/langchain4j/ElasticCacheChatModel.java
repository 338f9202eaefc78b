package dev.elasticcache.langchain4j;

import dev.elasticcache.engine.GenerationResult;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A LangChain4j {@link ChatModel} that decodes in-process with an Elastic-Cache (LLaDA diffusion) engine.
 *
 * <pre>{@code
 * try (ElasticCacheChatModel model = ElasticCacheChatModel.builder().modelDir(Path.of("models/llada")).build()) {
 *     String answer = model.chat("Hello!");
 * }
 * }</pre>
 *
 * <p>Honoured per request: {@code temperature}, {@code maxOutputTokens} (the decoder's {@code genLength}),
 * {@code stopSequences}, every knob of {@link ElasticCacheChatRequestParameters}, and structured answers:
 * {@code toolSpecifications} with {@code toolChoice} {@code AUTO} (the model decides), {@code REQUIRED} (at least
 * one call) or {@code NONE} (text), and a JSON {@code responseFormat} with a {@code JsonSchema} (or
 * {@code JsonRawSchema}). Calls and documents are decoded by infilling a template: a call names one of the
 * offered tools and its arguments follow that tool's parameter schema; a document follows the schema. Calls come
 * back as {@code AiMessage.toolExecutionRequests()} (no text) with {@code FinishReason.TOOL_EXECUTION}, a document
 * as the {@code AiMessage} text. Tool results are read back from {@code ToolExecutionResultMessage}s.
 *
 * <p>Not supported (rejected with {@link dev.langchain4j.exception.UnsupportedFeatureException}): JSON response
 * format without a schema, images on a text-only model (a LLaDA-V folder takes them, with tools and schemas too),
 * other non-text content, topK, topP other than 1.0, non-zero penalties, a
 * {@code modelName} other than the loaded one. Engine failures map to LangChain4j exceptions: overload to
 * {@code RateLimitException}, timeout to {@code TimeoutException}, invalid values to
 * {@code InvalidRequestException} (the engine's exception is the cause), among them schemas with a JSON Schema
 * keyword outside the supported subset (the message names the tool or schema, the keyword and its location).
 *
 * <p>{@code chat(...)} blocks the calling thread while the engine's decoding thread works; requests from several
 * threads queue in the engine. Thread-safe. Close the model to free an engine it loaded itself.
 */
public class ElasticCacheChatModel extends ElasticCacheModelBase implements ChatModel {


    private ElasticCacheChatModel(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest chatRequest) {
        ElasticCacheSupport.Prepared prepared = support.prepare(chatRequest);
        GenerationResult result;
        try {
            result = support.engine().generate(prepared.request());
        } catch (RuntimeException e) {
            throw ElasticCacheSupport.mapRuntimeError(e);
        }
        return support.toChatResponse(result, prepared.options());
    }

    /** Builder; see {@link ElasticCacheModelBuilder} for the engine and request defaults. */
    public static class Builder extends ElasticCacheModelBuilder<Builder> {
        /**
         * Builds the model, loading the engine unless one was shared.
         *
         * @throws dev.langchain4j.exception.UnsupportedFeatureException when the default parameters ask for
         *     something unsupported
         * @throws dev.langchain4j.exception.InvalidRequestException when a decoding knob is out of range
         */
        public ElasticCacheChatModel build() {
            return new ElasticCacheChatModel(this);
        }
    }
}
