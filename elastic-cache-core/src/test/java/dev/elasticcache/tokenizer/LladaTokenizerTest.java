package dev.elasticcache.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.CheckpointException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LladaTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void missingTokenizerJsonIsReported() {
        assertThatThrownBy(() -> LladaTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("no tokenizer.json");
    }

    @Test
    void missingFolderIsReported() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> LladaTokenizer.open(missing))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void tokenizerWithoutMaskTokenIsRejected() throws Exception {
        TinyTokenizerFiles.write(dir);
        JsonObject tj = TinyTokenizerFiles.tokenizerJson();
        JsonArray kept = new JsonArray();
        for (JsonElement e : tj.getAsJsonArray("added_tokens")) {
            if (!e.getAsJsonObject().get("content").getAsString().equals(LladaTokenizer.MASK_TOKEN)) {
                kept.add(e);
            }
        }
        tj.add("added_tokens", kept);
        Files.writeString(dir.resolve("tokenizer.json"), tj.toString(), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LladaTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tokenizer.json in " + dir + " has no <|mdm_mask|> token")
                .hasMessageContaining("LLaDA checkpoints need it as the mask token");
    }

    @Test
    void corruptTokenizerJsonIsReported() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"added_tokens\": [", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LladaTokenizer.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("tokenizer.json").toString())
                .hasMessageContaining("cannot parse tokenizer.json");
    }

    @Test
    void smallOrHugeModelMaxLengthInTokenizerConfigDoesNotTruncate() throws Exception {
        TinyTokenizerFiles.write(dir);
        String text = "0123456789".repeat(65);
        for (String maxLen : List.of("16", "1000000000000000019884624838656")) {
            JsonObject cfg = TinyTokenizerFiles.tokenizerConfigJson();
            cfg.add("model_max_length", JsonParser.parseString(maxLen));
            Files.writeString(dir.resolve("tokenizer_config.json"), cfg.toString(), StandardCharsets.UTF_8);
            try (LladaTokenizer tok = LladaTokenizer.open(dir)) {
                assertThat(tok.encode(text)).as("model_max_length %s", maxLen).hasSize(650);
            }
        }
    }

    @Test
    void bosTokenComesFromTokenizerConfigAndWorksWithoutConfig() throws Exception {
        TinyTokenizerFiles.write(dir);
        JsonObject cfg = TinyTokenizerFiles.tokenizerConfigJson();
        JsonObject bos = new JsonObject();
        bos.addProperty("content", LladaTokenizer.EOS_TOKEN);
        cfg.add("bos_token", bos);
        Files.writeString(dir.resolve("tokenizer_config.json"), cfg.toString(), StandardCharsets.UTF_8);
        try (LladaTokenizer tok = LladaTokenizer.open(dir)) {
            assertThat(tok.bosTokenId()).isEqualTo(TinyTokenizerFiles.EOS_ID);
            assertThat(tok.encodeChat(List.of(ChatMessage.user("x")))[0]).isEqualTo(TinyTokenizerFiles.EOS_ID);
        }
        Files.delete(dir.resolve("tokenizer_config.json"));
        try (LladaTokenizer tok = LladaTokenizer.open(dir)) {
            assertThat(tok.bosTokenId()).isEqualTo(TinyTokenizerFiles.BOS_ID);
            assertThat(tok.chatTemplateSource()).isEmpty();
            assertThat(tok.encodeChat(List.of(ChatMessage.user("x")))[0]).isEqualTo(TinyTokenizerFiles.BOS_ID);
        }
    }

    @Test
    void decodeRejectsOutOfRangeIds() {
        TinyTokenizerFiles.write(dir);
        try (LladaTokenizer tok = LladaTokenizer.open(dir)) {
            assertThatThrownBy(() -> tok.decode(new int[] {TinyTokenizerFiles.VOCAB_SIZE}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("262");
        }
    }
}
