package dev.elasticcache.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.elasticcache.hub.ModelId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress bar's arithmetic on a clock the test turns: rate from the download's start, time left, lines. */
class DownloadProgressBarTest {
    long now = 1_000_000_000L;

    @Test
    void ratesAndTimeLeftCountFromTheDownloadsStartAndLinesComePerFileInALog() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DownloadProgressBar bar = new DownloadProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> now);
        bar.fileStarted("config.json", 1024, 0);
        bar.progress("config.json", 1024); // before the download proper: counted, not drawn
        bar.fileFinished("config.json");
        now += 3_000_000_000L;
        bar.started(ModelId.parse("GSAI-ML/LLaDA-8B-Instruct"), "3f0f38c410f47be564eb9dc514748fd97a19f2d9", 2, 4L << 30);
        bar.fileStarted("model-00001-of-00002.safetensors", 3L << 30, 0);
        now += 10_000_000_000L;
        bar.progress("model-00001-of-00002.safetensors", 1L << 30); // 1 GiB in 10 s
        assertEquals("[######..................]  25%  1.0 GiB / 4.0 GiB  102.4 MiB/s  ETA 30s  model-00001-of-00002.safetensors",
                bar.line(now));
        bar.fileFinished("model-00001-of-00002.safetensors");
        now += 30_000_000_000L;
        bar.progress("model-00001-of-00002.safetensors", 3L << 30);
        bar.finished(ModelId.parse("GSAI-ML/LLaDA-8B-Instruct"), Path.of("/cache/snapshots/3f0f38c"));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of(
                "downloading GSAI-ML/LLaDA-8B-Instruct (commit 3f0f38c): 2 files, 4.0 GiB",
                "[######..................]  25%  1.0 GiB / 4.0 GiB  102.4 MiB/s  ETA 30s  model-00001-of-00002.safetensors",
                "[########################] 100%  4.0 GiB / 4.0 GiB  102.4 MiB/s  ETA 0s  model-00001-of-00002.safetensors",
                "downloaded GSAI-ML/LLaDA-8B-Instruct in 43s (95.3 MiB/s) to /cache/snapshots/3f0f38c"), lines);
    }

    @Test
    void durationsReadAsATimer() {
        assertEquals("59s", DownloadProgressBar.duration(59.4));
        assertEquals("1m47s", DownloadProgressBar.duration(107));
        assertEquals("2h05m", DownloadProgressBar.duration(7500));
    }
}
