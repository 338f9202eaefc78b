package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.vision.RandomLladaV;
import com.google.gson.JsonParser;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LangChain4j {@code ImageContent} reaches a LLaDA-V model as an image, also with tools; a text-only model still
 * refuses it.
 */
class ElasticCacheImageContentTest {
    @TempDir
    static Path dir;
    static ElasticCacheEngine engine;
    static String base64;

    @BeforeAll
    static void load() throws IOException {
        engine = ElasticCacheEngine.load(EngineConfig.builder()
                .modelDir(RandomLladaV.writeVisionLanguage(dir.resolve("llada-v"), RandomLladaV.small(), 6)).build());
        base64 = Base64.getEncoder().encodeToString(RandomLladaV.png(36, 44, 2));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static ChatRequest ask(UserMessage message) {
        return ChatRequest.builder().messages(message).maxOutputTokens(16).build();
    }

    @Test
    void base64AndDataUrlImagesBecomePromptRows() {
        ElasticCacheChatModel model = ElasticCacheChatModel.builder().engine(engine).build();
        ChatResponse plain = model.chat(ask(UserMessage.from(TextContent.from("What is it?"))));
        ChatResponse inline = model.chat(ask(UserMessage.from(TextContent.from("What is it?"), ImageContent.from(base64, "image/png"))));
        ChatResponse url = model.chat(ask(UserMessage.from(TextContent.from("What is it?"),
                ImageContent.from("data:image/png;base64," + base64))));
        assertThat(inline.tokenUsage().inputTokenCount()).isGreaterThan(plain.tokenUsage().inputTokenCount() + 4);
        assertThat(url.tokenUsage().inputTokenCount()).isEqualTo(inline.tokenUsage().inputTokenCount());
        assertThat(url.aiMessage().text()).isEqualTo(inline.aiMessage().text());
    }

    @Test
    void anImageWithARequiredToolCallsItWithArgumentsOfItsSchema() {
        ElasticCacheChatModel model = ElasticCacheChatModel.builder().engine(engine).build();
        ToolSpecification read = ToolSpecification.builder().name("read_label").description("reads a label")
                .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build()).build();
        UserMessage message = UserMessage.from(TextContent.from("Read it"), ImageContent.from(base64, "image/png"));
        ChatResponse response = model.chat(ChatRequest.builder().messages(message).parameters(ChatRequestParameters.builder()
                .toolSpecifications(read).toolChoice(ToolChoice.REQUIRED).build()).build());
        assertThat(response.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty().allSatisfy(call -> {
            assertThat(call.name()).isEqualTo("read_label");
            assertThat(JsonParser.parseString(call.arguments()).getAsJsonObject().get("text").getAsJsonPrimitive().isString())
                    .isTrue();
        });
        ChatResponse textOnly = model.chat(ChatRequest.builder().messages(UserMessage.from("Read it"))
                .parameters(ChatRequestParameters.builder().toolSpecifications(read).toolChoice(ToolChoice.REQUIRED).build())
                .build());
        assertThat(response.tokenUsage().inputTokenCount()).as("the image rows are in the prompt")
                .isGreaterThan(textOnly.tokenUsage().inputTokenCount() + 4);
    }

    @Test
    void aTextOnlyModelStillRefusesImagesAsUnsupported() {
        ElasticCacheChatModel text = ElasticCacheChatModel.builder().engine(TestEngines.shared()).build();
        assertThatThrownBy(() -> text.chat(ask(UserMessage.from(TextContent.from("x"), ImageContent.from(base64, "image/png")))))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("text-only");
    }
}
