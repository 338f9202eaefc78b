package dev.elasticcache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.engine.EngineConfig;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.tokenizer.ChatMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    @TempDir
    Path dir;

    private static final Pattern ROW = Pattern.compile(
            "(?m)^(\\S+) +(\\d+\\.\\d)% \\((\\d+)/(\\d+)\\) +(\\d+) +(\\d+\\.\\d) +(\\d+\\.\\d{3}) +(\\d+\\.\\d\\d)x$");

    @Test
    void comparesTwoStrategiesOnTheEmbeddedModel() {
        String prompt = EmbeddedModel.card().examples().get("query");
        CliIo r = CliIo.run("bench", "--strategies", "llada,elastic", "--repeat", "1", "--warmup", "0",
                "--prompt", prompt, "--gen-length", "64");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("bench: tiny-llada on cpu, 1 prompt x 1 repeat x 2 strategies")
                .contains("identical to llada").contains("median NFE").contains("speed-up");
        assertThat(r.err()).contains("[####################] 2/2 done");

        // The same two decodes, independently: which answers agree, and llada's step count.
        DecodingOptions options = DecodingOptions.builder().genLength(64).build();
        String llada;
        String elastic;
        try (ElasticCacheEngine engine = ElasticCacheEngine.load(EngineConfig.defaults())) {
            llada = engine.generate(request(prompt, options.mutate().strategy(Strategy.LLADA).build())).text();
            elastic = engine.generate(request(prompt, options.mutate().strategy(Strategy.ELASTIC).build())).text();
        }
        Map<String, MatchResult> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(r.out());
        while (m.find()) {
            rows.put(m.group(1), m.toMatchResult());
        }
        assertThat(rows.keySet()).as(r.out()).containsExactly("llada", "elastic");
        MatchResult base = rows.get("llada");
        assertThat(base.group(2)).isEqualTo("100.0");
        assertThat(base.group(5)).as("llada: one token per step").isEqualTo("64");
        assertThat(base.group(8)).isEqualTo("1.00");
        MatchResult fast = rows.get("elastic");
        assertThat(fast.group(2)).isEqualTo(elastic.equals(llada) ? "100.0" : "0.0");
        assertThat(fast.group(4)).isEqualTo("1");
        assertThat(Integer.parseInt(fast.group(5))).isBetween(1, 63);
        double speedUp = Double.parseDouble(fast.group(6)) / Double.parseDouble(base.group(6));
        assertThat(Double.parseDouble(fast.group(8))).isCloseTo(speedUp, org.assertj.core.data.Offset.offset(0.02 * speedUp + 0.01));
    }

    private static GenerationRequest request(String prompt, DecodingOptions options) {
        return GenerationRequest.builder().messages(List.of(ChatMessage.user(prompt))).options(options).build();
    }

    @Test
    void aModelWithoutExamplesNeedsPrompts() {
        Path model = RandomCheckpoint.write(dir.resolve("m"), RandomCheckpoint.tinyConfig().build(), 3, DType.F32, 1);
        CliIo r = CliIo.run("bench", "--model", model.toString(), "--strategies", "elastic");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("m has no example prompts").contains("give --prompt TEXT (repeatable) or --prompts FILE");
    }

    @Test
    void theTableHoldsMediansAndTheSpeedUpOfMedianTokensPerSecond() {
        Map<Strategy, BenchCommand.Row> rows = new LinkedHashMap<>();
        BenchCommand.Row llada = new BenchCommand.Row(Strategy.LLADA);
        BenchCommand.Row elastic = new BenchCommand.Row(Strategy.ELASTIC);
        rows.put(Strategy.LLADA, llada);
        rows.put(Strategy.ELASTIC, elastic);
        String[] answers = {"a", "b", "c", "d"};
        double[] lladaTps = {10, 40, 20, 30};
        double[] elasticTps = {50, 100, 90, 70};
        for (int i = 0; i < 4; i++) {
            llada.nfe().add(128);
            llada.tokensPerSecond().add(lladaTps[i]);
            llada.seconds().add(2.0 + i);
            llada.answers().add(answers[i]);
            elastic.nfe().add(3 + i);
            elastic.tokensPerSecond().add(elasticTps[i]);
            elastic.seconds().add(0.5);
            elastic.answers().add(i == 2 ? "other" : answers[i]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BenchCommand.printTable(new PrintStream(out, true, StandardCharsets.UTF_8), rows);
        String table = out.toString(StandardCharsets.UTF_8);
        // llada: median tok/s (20+30)/2 = 25, seconds (3+4)/2 = 3.5; elastic: NFE (4+5)/2 = 4.5, tok/s (70+90)/2 = 80.
        assertThat(table).containsPattern("(?m)^llada +100\\.0% \\(4/4\\) +128 +25\\.0 +3\\.500 +1\\.00x$")
                .containsPattern("(?m)^elastic +75\\.0% \\(3/4\\) +4\\.5 +80\\.0 +0\\.500 +3\\.20x$");
    }
}
