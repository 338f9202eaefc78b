package dev.elasticcache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomDreamCheckpoint;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.model.DreamConfig;
import dev.elasticcache.tokenizer.DreamTokenizerFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code generate --model DREAM_DIR --strategy S --trace F} for every strategy, on a random Dream folder. */
class DreamGenerateCommandTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void write() throws Exception {
        DreamConfig config = RandomDreamCheckpoint.tinyConfig().maskTokenId(DreamTokenizerFiles.MASK)
                .eosTokenId(DreamTokenizerFiles.ENDOFTEXT).padTokenId(DreamTokenizerFiles.ENDOFTEXT)
                .bosTokenId(DreamTokenizerFiles.ENDOFTEXT).build();
        model = RandomDreamCheckpoint.write(dir.resolve("dream"), config, 4, DType.F32, 1);
        DreamTokenizerFiles.writeTokenizerJson(model, DreamTokenizerFiles.CHATML_TEMPLATE);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void generatesWithEveryStrategyAndWritesTheTrace(Strategy strategy) throws Exception {
        Path trace = dir.resolve(strategy.id() + ".json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GenerateCommand.run(new String[] {"--model", model.toString(), "--prompt", "hello world", "--chat",
                "--strategy", strategy.id(), "--gen-length", "16", "--block-length", "8", "--window", "6", "--trace",
                trace.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("strategy            " + strategy.id());
        JsonObject json = JsonParser.parseString(Files.readString(trace)).getAsJsonObject();
        int prompt = json.getAsJsonArray("prompt_ids").size();
        assertThat(json.getAsJsonArray("output_ids")).hasSize(prompt + 16);
        JsonArray steps = json.getAsJsonArray("steps");
        assertThat(steps).hasSize(json.get("nfe").getAsInt());
        JsonObject first = steps.get(0).getAsJsonObject();
        assertThat(first.getAsJsonArray("query_rows")).hasSize(prompt + 16);
        assertThat(first.getAsJsonArray("window").get(0).getAsInt()).isEqualTo(prompt);
    }

    @Test
    void chatAndInfoTakeADreamFolder() {
        String input = "hello world\n/strategy fast-dllm\nhello again\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ChatCommand.run(new String[] {"--model", model.toString(), "--gen-length", "16", "--block-length", "8"},
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), true);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8) + text).isZero();
        assertThat(text).contains("> hello world").contains("[elastic | NFE ").contains("[fast-dllm | NFE ");

        ByteArrayOutputStream info = new ByteArrayOutputStream();
        ByteArrayOutputStream infoErr = new ByteArrayOutputStream();
        int infoCode = InfoCommand.run(new String[] {"--model", model.toString()},
                new PrintStream(info, true, StandardCharsets.UTF_8), new PrintStream(infoErr, true, StandardCharsets.UTF_8));
        assertThat(infoCode).as(infoErr.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(info.toString(StandardCharsets.UTF_8)).contains("Dream").contains("kv heads").contains("<|im_end|>");
    }
}
