package dev.elasticcache.langchain4j;

import static org.mockito.ArgumentMatchers.argThat;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.InOrder;

/**
 * LangChain4j's conformance suite for {@link StreamingChatModel}s, run on a random tiny checkpoint; see
 * {@link ElasticCacheChatModelIT} for how unsupported features and knowledge-dependent tests are handled. The
 * suite's package-private user-exception tests assert "Berlin" too; {@link NeedsCapableModel} disables them with
 * the reason.
 */
@ExtendWith(NeedsCapableModel.class)
class ElasticCacheStreamingChatModelIT extends AbstractStreamingChatModelIT {

    /**
     * Of the suite's tests only should_cancel_streaming decodes with the defaults: it cancels at the fifth partial
     * response, so the answer must be long enough to grow its finished prefix five times (the random checkpoint
     * emits many invalid UTF-8 bytes, whose replacement characters are held back until a valid one follows).
     */
    private final ElasticCacheStreamingChatModel model = ConformanceModels.streamingModel(
            ElasticCacheChatRequestParameters.builder().maxOutputTokens(128).build());

    @Override
    protected List<StreamingChatModel> models() {
        return List.of(model);
    }

    @Override
    protected StreamingChatModel createModelWith(ChatRequestParameters parameters) {
        return ConformanceModels.streamingModel(parameters);
    }

    @Override
    public StreamingChatModel createModelWith(ChatModelListener listener) {
        return ConformanceModels.streamingModel(null, listener);
    }

    @Override
    protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
        return ElasticCacheChatRequestParameters.builder().maxOutputTokens(maxOutputTokens).build();
    }

    @Override
    protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(StreamingChatModel model) {
        return ElasticCacheChatResponseMetadata.class;
    }

    @Override
    protected boolean supportsModelNameParameter() {
        return false;
    }

    // Tools (every tool choice) and JSON schemas are decoded by infilling; JSON without a schema has no template and
    // is refused, so should_fail_if_JSON_response_format_is_not_supported runs.
    @Override
    protected boolean supportsTools() {
        return true;
    }

    @Override
    protected boolean supportsToolChoiceRequired() {
        return true;
    }

    @Override
    protected boolean supportsJsonResponseFormat() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithSchema() {
        return true;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithRawSchema() {
        return true;
    }

    @Override
    protected boolean supportsToolsAndJsonResponseFormatWithSchema() {
        return true;
    }

    /** Calls are infilled out of order; only the complete call is valid, so there are no partial tool calls. */
    @Override
    protected boolean supportsPartialToolStreaming(StreamingChatModel model) {
        return false;
    }

    @Override
    protected void verifyToolCallbacks(StreamingChatResponseHandler handler, InOrder io, String id) {
        io.verify(handler).onCompleteToolCall(argThat(call -> call.index() == 0
                && call.toolExecutionRequest().id().equals(id)));
    }

    @Override
    protected void verifyToolCallbacks(StreamingChatResponseHandler handler, InOrder io, StreamingChatModel model) {
        io.verify(handler).onCompleteToolCall(argThat(call -> call.index() == 0
                && call.toolExecutionRequest().arguments().equals("{}")));
    }

    @Override
    protected void verifyToolCallbacks(StreamingChatResponseHandler handler, InOrder io, String id1, String id2) {
        verifyToolCallbacks(handler, io, id1);
        io.verify(handler).onCompleteToolCall(argThat(call -> call.index() == 1
                && call.toolExecutionRequest().id().equals(id2)));
    }

    @Override
    protected boolean supportsSingleImageInputAsBase64EncodedString() {
        return false;
    }

    @Override
    protected boolean supportsSingleImageInputAsPublicURL() {
        return false;
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(ElasticCacheChatModelIT.KNOWLEDGE)
    protected void should_respect_user_message(StreamingChatModel model) {
        super.should_respect_user_message(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(ElasticCacheChatModelIT.KNOWLEDGE)
    protected void should_respect_system_message(StreamingChatModel model) {
        super.should_respect_system_message(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(ElasticCacheChatModelIT.KNOWLEDGE)
    protected void should_respect_multiple_messages(StreamingChatModel model) {
        super.should_respect_multiple_messages(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(ElasticCacheChatModelIT.KNOWLEDGE)
    protected void should_respect_stopSequences_in_chat_request(StreamingChatModel model) {
        super.should_respect_stopSequences_in_chat_request(model);
    }

    @Override
    @Test
    @Disabled(ElasticCacheChatModelIT.KNOWLEDGE)
    protected void should_respect_stopSequences_in_default_model_parameters() {
        super.should_respect_stopSequences_in_default_model_parameters();
    }

    @Override
    @ParameterizedTest
    @MethodSource("modelsSupportingTools")
    @Disabled(ElasticCacheChatModelIT.TOOL_KNOWLEDGE)
    protected void should_execute_a_tool_then_answer(StreamingChatModel model) {
        super.should_execute_a_tool_then_answer(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("modelsSupportingTools")
    @Disabled(ElasticCacheChatModelIT.TOOL_KNOWLEDGE)
    protected void should_execute_a_tool_without_arguments_then_answer(StreamingChatModel model) {
        super.should_execute_a_tool_without_arguments_then_answer(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("modelsSupportingTools")
    @Disabled(ElasticCacheChatModelIT.TOOL_KNOWLEDGE)
    protected void should_execute_multiple_tools_in_parallel_then_answer(StreamingChatModel model) {
        super.should_execute_multiple_tools_in_parallel_then_answer(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("modelsSupportingTools")
    @Disabled(ElasticCacheChatModelIT.TOOL_KNOWLEDGE)
    protected void should_force_LLM_to_execute_any_tool(StreamingChatModel model) {
        super.should_force_LLM_to_execute_any_tool(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("modelsSupportingTools")
    @Disabled(ElasticCacheChatModelIT.TOOL_ARGUMENT_KNOWLEDGE)
    protected void should_force_LLM_to_execute_specific_tool(StreamingChatModel model) {
        super.should_force_LLM_to_execute_specific_tool(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("modelsSupportingStructuredOutputs")
    @Disabled(ElasticCacheChatModelIT.JSON_KNOWLEDGE)
    protected void should_respect_JSON_response_format_with_schema(StreamingChatModel model) {
        super.should_respect_JSON_response_format_with_schema(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(ElasticCacheChatModelIT.JSON_KNOWLEDGE)
    protected void should_respect_JsonRawSchema_responseFormat(StreamingChatModel model) {
        super.should_respect_JsonRawSchema_responseFormat(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("modelsSupportingTools")
    @Disabled(ElasticCacheChatModelIT.TOOL_KNOWLEDGE)
    protected void should_execute_a_tool_then_answer_respecting_JSON_response_format_with_schema(StreamingChatModel model) {
        super.should_execute_a_tool_then_answer_respecting_JSON_response_format_with_schema(model);
    }
}
