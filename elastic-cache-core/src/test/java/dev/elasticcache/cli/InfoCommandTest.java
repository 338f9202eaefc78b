package dev.elasticcache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.model.LladaConfig;
import dev.elasticcache.model.LladaTensorLayout;
import dev.elasticcache.model.weights.MemoryBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {

    @TempDir
    Path dir;

    @Test
    void aShardedBf16CheckpointWithGroupedKvHeads() throws IOException {
        // d_model 32, 4 heads of 8, 2 kv heads, 3 layers
        LladaConfig config = RandomCheckpoint.tinyConfig().nKvHeads(2).build();
        Path model = RandomCheckpoint.write(dir.resolve("gqa"), config, 5, DType.BF16, 2);
        CliIo r = CliIo.run("info", "--model", model.toString(), "--prompt-length", "10", "--gen-length", "22");
        assertThat(r.code()).as(r.err()).isZero();
        String out = r.out();

        long parameters = LladaTensorLayout.parameterCount(config);
        assertThat(out).containsPattern("(?m)^parameters +" + parameters + " \\(");
        assertThat(out).containsPattern("(?m)^layers +3$").containsPattern("(?m)^heads +4 \\(head dim 8\\)$")
                .containsPattern("(?m)^kv heads +2$").containsPattern("(?m)^family +llada \\(architecture LLaDAModelLM\\)$");

        long kvPerToken = 2 /* K and V */ * 3 /* layers */ * 2 /* kv heads */ * 8 /* head dim */ * 4 /* fp32 */;
        assertThat(out).containsPattern("(?m)^KV cache per token +" + kvPerToken + " B = 2 x 3 layers x 2 kv heads x 8 head dim x 4 B");
        assertThat(out).containsPattern("(?m)^KV cache, request +" + kvPerToken * 32 + " B .* for 10 prompt \\+ 22 answer = 32 tokens");
        assertThat(out).containsPattern("(?m)^dtype +auto -> fp32 weights in memory$");
        assertThat(out).containsPattern("(?m)^memory plan +10 prompt \\+ 22 answer tokens, 1 at once, elastic$");
        assertThat(out).containsPattern("(?m)^  weights in memory +" + Pattern.quote(MemoryBudget.size(parameters * 4)) + " fp32$");
        assertThat(out).containsPattern("(?m)^  total .* available: fits$");

        CliIo mapped = CliIo.run("info", "--model", model.toString(), "--dtype", "bfloat16", "--batch", "3");
        assertThat(mapped.code()).as(mapped.err()).isZero();
        long vectors = 32 * (2 * 3 + 1); // three layers' two norms and the final norm, d 32
        assertThat(mapped.out()).containsPattern("(?m)^dtype +bfloat16 -> 16-bit weights mapped from the checkpoint")
                .containsPattern("(?m)^  weights mapped +" + Pattern.quote(MemoryBudget.size((parameters - vectors) * 2)) + " 16-bit")
                .containsPattern("(?m)^  per request .*, x 3$");
        assertThat(CliIo.run("info", "--model", model.toString(), "--dtype", "float16").err())
                .contains("this checkpoint stores BF16; use dtype bfloat16 or auto");

        long disk;
        try (Stream<Path> files = Files.list(model)) {
            disk = files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(out).containsPattern("(?m)^weights on disk +BF16, " + disk + " B .* in 2 shards$");
        assertThat(out).containsPattern("(?m)^task families +none listed");
        assertThat(out).contains("infill ").contains("(the EOS, default)").contains("left-aligned");
    }

    @Test
    void theEmbeddedModel() {
        CliIo r = CliIo.run("info");
        assertThat(r.code()).as(r.err()).isZero();
        String out = r.out();
        LladaConfig config = LladaConfig.read(EmbeddedModel.folder().resolve("config.json"));
        assertThat(out).containsPattern("(?m)^model +tiny-llada \\(embedded");
        assertThat(out).containsPattern("(?m)^parameters +" + LladaTensorLayout.parameterCount(config) + " \\(0\\.92 M\\)$");
        long kvPerToken = 2L * config.nLayers() * config.nKvHeads() * (config.dModel() / config.nHeads()) * 4;
        assertThat(kvPerToken).isEqualTo(4096);
        assertThat(out).containsPattern("(?m)^KV cache per token +4096 B ");
        assertThat(out).containsPattern("(?m)^task families +uppercase, complement, query ");
        assertThat(out).containsPattern("(?m)^example query +" + java.util.regex.Pattern.quote(EmbeddedModel.card().examples().get("query")) + "$");
        assertThat(out).containsPattern("(?m)^infill +filler token 188 .*right-aligned \\(generation_config.json\\)$");
        assertThat(out).containsPattern("(?m)^device +cpu$").containsPattern("(?m)^load time +\\d+\\.\\d{3} s$");
    }
}
