package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.hub.HubException;
import dev.elasticcache.hub.HubSettings;
import dev.elasticcache.testsupport.HubStandIn;
import dev.elasticcache.hub.PullStrategy;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LangChain4j builders' {@code model("OWNER/NAME")} against a Hub stand-in on loopback and a fresh cache. */
class ModelByNameTest {
    static final String REPO = "GSAI-ML/LLaDA-tiny";
    static final String PROMPT = "Uppercase these words: robot flame heart";

    @TempDir
    Path cache;
    HubStandIn hub;
    HubSettings settings;

    @BeforeEach
    void setUp() {
        hub = HubStandIn.start();
        hub.publish(REPO, EmbeddedModel.folder());
        settings = new HubSettings(hub.endpoint(), null, cache, false);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    @Test
    void bothModelsLoadByNameAndAnswerAsTheFolderDoes() throws Exception {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from(PROMPT))
                .parameters(ElasticCacheChatRequestParameters.builder().maxOutputTokens(16).build()).build();
        String expected;
        try (ElasticCacheChatModel folder = ElasticCacheChatModel.builder().modelDir(EmbeddedModel.folder()).build()) {
            expected = folder.chat(request).aiMessage().text();
        }
        try (ElasticCacheChatModel byName = ElasticCacheChatModel.builder().model(REPO).hub(settings).build()) {
            ChatResponse response = byName.chat(request);
            assertThat(response.aiMessage().text()).isEqualTo(expected);
            assertThat(response.metadata().modelName()).isEqualTo(REPO);
        }
        hub.close(); // the streaming model finds it in the cache, with no network
        try (ElasticCacheStreamingChatModel streaming = ElasticCacheStreamingChatModel.builder().model(REPO)
                .hub(settings.withOffline(true)).build()) {
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            streaming.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onCompleteResponse(ChatResponse r) {
                    done.complete(r);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            assertThat(done.get(2, TimeUnit.MINUTES).aiMessage().text()).isEqualTo(expected);
        }
    }

    @Test
    void neverPullsAndConflictingSourcesAreRefusedNamingTheFix() {
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().model(REPO).hub(settings)
                .pullModelStrategy(PullStrategy.NEVER).build())
                .isInstanceOf(HubException.class).hasMessageContaining(REPO + " is not in the Hugging Face cache")
                .hasMessageContaining(".pullModelStrategy(PullStrategy.WHEN_MISSING)");
        assertThat(hub.requests()).isEmpty();
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().model(REPO).modelDir(Path.of("models/llada")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set one of model(...), modelDir(...) and embeddedModel(...), not several (model " + REPO
                        + ", modelDir models/llada, embeddedModel null)");
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().embeddedModel("tiny-llama"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the embedded models are [tiny-llada,"
                        + " tiny-llada-tools, tiny-llada-v]");
        assertThatThrownBy(() -> ElasticCacheChatModel.builder().model("LLaDA-8B"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OWNER/NAME[@REVISION]");
    }
}
