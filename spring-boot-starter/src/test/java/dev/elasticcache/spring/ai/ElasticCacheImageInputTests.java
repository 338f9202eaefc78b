package dev.elasticcache.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.vision.RandomLladaV;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.MimeTypeUtils;

/**
 * Spring AI {@code UserMessage} media reach a LLaDA-V model as images, also with structured output; text-only models
 * refuse them clearly.
 */
class ElasticCacheImageInputTests {
    @TempDir
    static Path dir;
    static ElasticCacheEngine engine;
    static byte[] png;

    @BeforeAll
    static void load() throws IOException {
        Path folder = RandomLladaV.writeVisionLanguage(dir.resolve("llada-v"), RandomLladaV.small(), 2);
        engine = ElasticCacheEngine.load(EngineConfig.builder().modelDir(folder).build());
        png = RandomLladaV.png(50, 30, 1);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static ElasticCacheChatOptions shortAnswer() {
        return ElasticCacheChatOptions.builder().maxTokens(16).build();
    }

    @Test
    void mediaBytesAndDataUrlsBecomePromptRows() {
        ElasticCacheChatModel model = ElasticCacheChatModel.builder().engine(engine).build();
        ChatResponse plain = model.call(new Prompt(UserMessage.builder().text("What is it?").build(), shortAnswer()));
        ChatResponse bytes = model.call(new Prompt(UserMessage.builder().text("What is it?")
                .media(new Media(MimeTypeUtils.IMAGE_PNG, new ByteArrayResource(png))).build(), shortAnswer()));
        ChatResponse url = model.call(new Prompt(UserMessage.builder().text("What is it?")
                .media(new Media(MimeTypeUtils.IMAGE_PNG, URI.create("data:image/png;base64,"
                        + Base64.getEncoder().encodeToString(png)))).build(), shortAnswer()));
        int without = plain.getMetadata().getUsage().getPromptTokens();
        assertThat(bytes.getMetadata().getUsage().getPromptTokens()).isGreaterThan(without + 4);
        assertThat(url.getMetadata().getUsage().getPromptTokens()).isEqualTo(bytes.getMetadata().getUsage().getPromptTokens());
        assertThat(url.getResult().getOutput().getText()).isEqualTo(bytes.getResult().getOutput().getText());
    }

    record Label(String text, int count) {}

    @Test
    void anImageWithEntityGivesTheParsedObjectInfilledOverTheImageRows() {
        ElasticCacheChatModel model = ElasticCacheChatModel.builder().engine(engine).build();
        Media image = new Media(MimeTypeUtils.IMAGE_PNG, new ByteArrayResource(png));
        Label label = ChatClient.create(model).prompt().user(u -> u.text("Read the label").media(image)).call()
                .entity(Label.class, spec -> spec.useProviderStructuredOutput());
        assertThat(label).isNotNull();
        assertThat(label.text()).isNotNull();
        ChatResponse response = model.call(new Prompt(UserMessage.builder().text("Read the label").media(image).build(),
                ElasticCacheChatOptions.builder().outputSchema(
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":8}},"
                                + "\"required\":[\"text\"],\"additionalProperties\":false}").build()));
        ChatResponse textOnly = model.call(new Prompt(UserMessage.builder().text("Read the label").build(),
                ElasticCacheChatOptions.builder().outputSchema(
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":8}},"
                                + "\"required\":[\"text\"],\"additionalProperties\":false}").build()));
        assertThat(response.getResult().getOutput().getText()).startsWith("{\"text\":\"");
        assertThat(response.getMetadata().getUsage().getPromptTokens())
                .as("the image rows are in the structured prompt")
                .isGreaterThan(textOnly.getMetadata().getUsage().getPromptTokens() + 4);
    }

    @Test
    void remoteUrlsAndTextOnlyModelsAreRefusedNamingTheFix() {
        ElasticCacheChatModel model = ElasticCacheChatModel.builder().engine(engine).build();
        assertThatThrownBy(() -> model.call(new Prompt(UserMessage.builder().text("x")
                .media(new Media(MimeTypeUtils.IMAGE_PNG, URI.create("https://example.com/cat.png"))).build(), shortAnswer())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only data: URLs");
        Path textFolder = RandomCheckpoint.write(dir.resolve("text"), RandomCheckpoint.tinyConfig().nLayers(1).build(), 1,
                DType.F32, 1);
        try (ElasticCacheEngine text = ElasticCacheEngine.load(EngineConfig.builder().modelDir(textFolder).build())) {
            ElasticCacheChatModel textModel = ElasticCacheChatModel.builder().engine(text).build();
            assertThatThrownBy(() -> textModel.call(new Prompt(UserMessage.builder().text("x")
                    .media(new Media(MimeTypeUtils.IMAGE_PNG, new ByteArrayResource(png))).build(), shortAnswer())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no images");
        }
    }
}
