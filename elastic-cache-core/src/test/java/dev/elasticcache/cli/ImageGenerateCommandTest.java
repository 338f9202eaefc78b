package dev.elasticcache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import dev.elasticcache.vision.RandomLladaV;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate --image FILE} on a random LLaDA-V folder, and its errors. */
class ImageGenerateCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path image;

    @BeforeAll
    static void write() throws Exception {
        model = RandomLladaV.writeVisionLanguage(dir.resolve("llada-v"), RandomLladaV.small(), 3);
        image = dir.resolve("picture.png");
        java.nio.file.Files.write(image, RandomLladaV.png(40, 25, 5));
    }

    static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ElasticCacheCli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), true);
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void anImageGoesIntoThePrompt() {
        String[] withImage = run("generate", "--model", model.toString(), "--prompt", "What is it?", "--image",
                image.toString(), "--gen-length", "16");
        assertThat(withImage[0]).as(withImage[2]).isEqualTo("0");
        String[] without = run("generate", "--model", model.toString(), "--prompt", "What is it?", "--chat", "--gen-length", "16");
        assertThat(without[0]).as(without[2]).isEqualTo("0");
        // The image's rows are prompt tokens.
        assertThat(promptTokens(withImage[1])).isGreaterThan(promptTokens(without[1]) + 4);
    }

    @Test
    void imageErrorsNameTheFix() {
        String[] missing = run("generate", "--model", model.toString(), "--prompt", "x", "--image", dir.resolve("no.png").toString());
        assertThat(missing[0]).isEqualTo("1");
        assertThat(missing[2]).contains("no.png: no such file");
        Path text = RandomCheckpoint.write(dir.resolve("text"), RandomCheckpoint.tinyConfig().nLayers(1).build(), 1, DType.F32, 1);
        String[] textOnly = run("generate", "--model", text.toString(), "--prompt", "x", "--image", image.toString());
        assertThat(textOnly[0]).isEqualTo("1");
        assertThat(textOnly[2]).contains("takes no images");
    }

    static int promptTokens(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("prompt tokens")) {
                return Integer.parseInt(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no prompt tokens line in " + output);
    }
}
