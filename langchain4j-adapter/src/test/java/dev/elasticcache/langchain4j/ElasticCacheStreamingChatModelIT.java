package dev.elasticcache.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

    @Override
    protected boolean supportsTools() {
        return false;
    }

    @Override
    protected boolean supportsToolChoiceRequired() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormat() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithSchema() {
        return false;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithRawSchema() {
        return false;
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
}
