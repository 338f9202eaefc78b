package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.engine.EmbeddedModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.data.message.UserMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** The default builder (no engine source) on the embedded model; runs once core ships the trained tiny model. */
@EnabledIf("embeddedModelPresent")
class EmbeddedModelChatTest {

    static boolean embeddedModelPresent() {
        return EmbeddedModelChatTest.class.getClassLoader()
                .getResource(EmbeddedModel.RESOURCE_FOLDER + "model.safetensors") != null;
    }

    // A task of the shipped model's training suite (an open "Hello!" is outside it: the model may answer with EOS).
    private static final String PROMPT = "Uppercase these words: robot flame heart queen lemon mango water radio noble house";
    private static final String ANSWER = "ROBOT FLAME HEART QUEEN LEMON MANGO WATER RADIO NOBLE HOUSE";

    @Test
    void chat_and_stream_on_the_embedded_model() throws Exception {
        ChatRequestParameters shortAnswers = ChatRequestParameters.builder().maxOutputTokens(64).temperature(0.0).build();
        try (ElasticCacheChatModel chat = ElasticCacheChatModel.builder().defaultRequestParameters(shortAnswers).build()) {
            ChatResponse response = chat.chat(ChatRequest.builder().messages(UserMessage.from(PROMPT)).build());
            assertThat(response.metadata().modelName()).isEqualTo(EmbeddedModel.NAME);
            assertThat(response.tokenUsage().inputTokenCount()).isPositive();
            assertThat(response.aiMessage().text()).isEqualTo(ANSWER);

            ElasticCacheStreamingChatModel streaming = ElasticCacheStreamingChatModel.builder().engine(chat.engine())
                    .defaultRequestParameters(shortAnswers).build();
            StringBuilder streamed = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            streaming.chat(PROMPT, new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partialResponse) {
                    streamed.append(partialResponse);
                }

                @Override
                public void onCompleteResponse(ChatResponse completeResponse) {
                    done.complete(completeResponse);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            ChatResponse streamedResponse = done.get(120, TimeUnit.SECONDS);
            assertThat(streamedResponse.aiMessage().text()).isEqualTo(response.aiMessage().text())
                    .isEqualTo(streamed.toString());
        }
    }
}
