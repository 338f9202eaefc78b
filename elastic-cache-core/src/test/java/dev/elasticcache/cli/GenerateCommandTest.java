package dev.elasticcache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsAnswerAndStatisticsAndWritesTheTrace() throws Exception {
        Path model = RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.tinyConfig().build(), 2, DType.F32, 1);
        Path trace = dir.resolve("trace.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GenerateCommand.run(new String[] {"--model", model.toString(), "--prompt-ids", "1,2,3,4,5",
                "--strategy", "elastic", "--gen-length", "24", "--window", "8", "--gamma", "0.9", "--trace",
                trace.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("strategy            elastic").contains("NFE (steps)").contains("tokens per second");

        JsonObject json = JsonParser.parseString(Files.readString(trace)).getAsJsonObject();
        assertThat(json.getAsJsonArray("prompt_ids")).hasSize(5);
        assertThat(json.getAsJsonArray("output_ids")).hasSize(29);
        JsonArray steps = json.getAsJsonArray("steps");
        assertThat(steps).hasSize(json.get("nfe").getAsInt());
        JsonObject first = steps.get(0).getAsJsonObject();
        assertThat(first.keySet()).containsExactlyInAnyOrder("step", "window", "query_rows", "start_reset", "track", "decoded");
        assertThat(first.getAsJsonArray("query_rows")).hasSize(29);
        assertThat(first.getAsJsonArray("window").get(0).getAsInt()).isEqualTo(5);
        JsonArray pair = first.getAsJsonArray("decoded").get(0).getAsJsonArray();
        assertThat(pair).hasSize(2);
        assertThat(json.getAsJsonArray("output_ids").get(pair.get(0).getAsInt()).getAsInt()).isEqualTo(pair.get(1).getAsInt());
    }

    @Test
    void aSchemaAnswersADocumentAndTheTraceShowsItsSlots() throws Exception {
        Path model = RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.tinyConfig().build(), 2, DType.F32, 1);
        Path trace = dir.resolve("trace.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GenerateCommand.run(new String[] {"--model", model.toString(), "--prompt", "a city", "--schema",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":6},\"n\":{\"type\":\"integer\"}}}",
                "--strategy", "elastic", "--window", "4", "--trace", trace.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonObject document = JsonParser.parseString(out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow())
                .getAsJsonObject();
        assertThat(document.keySet()).containsExactly("city", "n");
        assertThat(document.get("city").getAsString().length()).isLessThanOrEqualTo(6);
        JsonObject json = JsonParser.parseString(Files.readString(trace)).getAsJsonObject();
        JsonArray slots = json.getAsJsonArray("slots");
        assertThat(slots).hasSize(2);
        JsonObject city = slots.get(0).getAsJsonObject();
        assertThat(city.get("path").getAsString()).isEqualTo("$.city");
        assertThat(city.get("kind").getAsString()).isEqualTo("string");
        assertThat(city.get("width").getAsInt()).isEqualTo(6);
        int start = city.get("start").getAsInt();
        int end = slots.get(1).getAsJsonObject().get("start").getAsInt() + slots.get(1).getAsJsonObject().get("width").getAsInt();
        for (var step : json.getAsJsonArray("steps")) {
            for (var position : step.getAsJsonObject().getAsJsonArray("window")) {
                assertThat(position.getAsInt()).as("window positions lie in the slots").isBetween(start, end - 1);
            }
        }
    }

    @Test
    void anEmptyAnswerSaysWhyWithTheCardsHint() {
        CliIo r = CliIo.run("generate", "--prompt", "What is the capital of France?", "--chat", "--gen-length", "32");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("\nhint: " + dev.elasticcache.engine.EmbeddedModel.card().emptyAnswerHint() + "\n")
                .contains("finish reason       EMPTY");
        CliIo answered = CliIo.run("generate", "--prompt", dev.elasticcache.engine.EmbeddedModel.card().examples().get("query"),
                "--chat");
        assertThat(answered.out()).contains("finish reason       STOP").doesNotContain("hint:");
    }

    @Test
    void badArgumentsExplainTheFix() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = GenerateCommand.run(new String[] {"--prompt", "hi", "--gamma", "2"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gamma must be in (0, 1], got 2.0").contains("usage:");
        err.reset();
        code = GenerateCommand.run(new String[] {"--strategy", "elastic"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("exactly one of --prompt or --prompt-ids");
    }
}
