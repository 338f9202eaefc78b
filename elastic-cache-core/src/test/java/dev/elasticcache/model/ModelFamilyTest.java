package dev.elasticcache.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelFamilyTest {

    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    @Test
    void detectsTheFamiliesFromTheConfigsThisProjectWrites() {
        RandomCheckpoint.tinyConfig().build().write(dir.resolve("config.json"));
        assertThat(ModelFamily.detect(dir)).isEqualTo(ModelFamily.LLADA);
        RandomDreamCheckpoint.tinyConfig().build().write(dir.resolve("config.json"));
        assertThat(ModelFamily.detect(dir)).isEqualTo(ModelFamily.DREAM);
        assertThat(ModelFamily.DREAM.shiftedLogits()).isTrue();
        assertThat(ModelFamily.LLADA.shiftedLogits()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"model_type\": \"Dream\", \"architectures\": [\"DreamModel\"]}|DREAM",
        "{\"model_type\": \"dream\"}|DREAM",
        "{\"architectures\": [\"DreamForCausalLM\"]}|DREAM",
        "{\"model_type\": \"llada\", \"architectures\": [\"LLaDAModelLM\"]}|LLADA",
        "{\"architectures\": [\"LLaDAModelLM\"]}|LLADA",
        "{\"d_model\": 64, \"n_heads\": 4}|LLADA",
    })
    void detects(String json, ModelFamily expected) throws IOException {
        assertThat(ModelFamily.detect(config(json))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"model_type\": \"qwen2\", \"architectures\": [\"Qwen2ForCausalLM\"]}|model_type \"qwen2\" and architectures [Qwen2ForCausalLM]",
        "{\"architectures\": [\"LlamaForCausalLM\"]}|architectures [LlamaForCausalLM]",
        "{\"hidden_size\": 64}|no model_type and no architectures",
    })
    void unknownFamilyNamesTheFileAndListsTheSupportedOnes(String json, String what) throws IOException {
        config(json);
        assertThatThrownBy(() -> ModelFamily.detect(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("config.json").toString())
                .hasMessageContaining("unknown model family: config.json has " + what)
                .hasMessageContaining("supported are LLaDA (model_type \"llada\", architectures [\"LLaDAModelLM\"]),"
                        + " Dream (model_type \"Dream\", architectures [\"DreamModel\"])");
    }

    @Test
    void contradictoryConfigIsRejected() throws IOException {
        config("{\"model_type\": \"llada\", \"architectures\": [\"DreamModel\"]}");
        assertThatThrownBy(() -> ModelFamily.detect(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("config.json").toString())
                .hasMessageContaining("model_type \"llada\" is LLaDA but architectures [DreamModel] is Dream");
    }

    @Test
    void missingOrBrokenConfigIsReported() throws IOException {
        assertThatThrownBy(() -> ModelFamily.detect(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("config.json").toString())
                .hasMessageContaining("config.json does not exist");
        config("[1, 2]");
        assertThatThrownBy(() -> ModelFamily.detect(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json must hold a JSON object");
        config("{\"model_type\": 3}");
        assertThatThrownBy(() -> ModelFamily.detect(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("key \"model_type\" must be a string");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ModelFamily.detect(missing))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }
}
