package dev.elasticcache.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelIT;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LangChain4j's conformance suite for {@link ChatModel}s, run on a random tiny checkpoint. Unsupported features are
 * declared with the suite's {@code supportsXxx()} flags, so their {@code should_fail_if_..._not_supported} tests
 * run instead. Tests whose only way to pass is a model that knows facts or follows instructions are disabled with
 * the reason; the mechanics they would also check are covered by {@link ElasticCacheChatModelTest}.
 */
class ElasticCacheChatModelIT extends AbstractChatModelIT {

    static final String KNOWLEDGE = "needs a model that answers questions / follows instructions (asserts 'Berlin',"
            + " 'liebe', 'green' or 'Hello'); the test checkpoint is a random tiny LLaDA that emits gibberish";

    private final ElasticCacheChatModel model = ConformanceModels.chatModel(null);

    @Override
    protected List<ChatModel> models() {
        return List.of(model);
    }

    @Override
    protected ChatModel createModelWith(ChatRequestParameters parameters) {
        return ConformanceModels.chatModel(parameters);
    }

    @Override
    protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
        return ElasticCacheChatRequestParameters.builder().maxOutputTokens(maxOutputTokens).build();
    }

    @Override
    protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(ChatModel model) {
        return ElasticCacheChatResponseMetadata.class;
    }

    // One model per instance; switching models per request is not supported.
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
    @Disabled(KNOWLEDGE)
    protected void should_respect_user_message(ChatModel model) {
        super.should_respect_user_message(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(KNOWLEDGE)
    protected void should_respect_system_message(ChatModel model) {
        super.should_respect_system_message(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(KNOWLEDGE)
    protected void should_respect_multiple_messages(ChatModel model) {
        super.should_respect_multiple_messages(model);
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled(KNOWLEDGE)
    protected void should_respect_stopSequences_in_chat_request(ChatModel model) {
        super.should_respect_stopSequences_in_chat_request(model);
    }

    @Override
    @Test
    @Disabled(KNOWLEDGE)
    protected void should_respect_stopSequences_in_default_model_parameters() {
        super.should_respect_stopSequences_in_default_model_parameters();
    }
}
