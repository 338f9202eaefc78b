package dev.elasticcache.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elasticcache.engine.EmbeddedModel;
import dev.elasticcache.testsupport.HubStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/elastic-cache ... --model OWNER/NAME} as a user runs it: separate processes whose environment
 * ({@code HF_ENDPOINT}, {@code HF_HUB_CACHE}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}) points at a Hub stand-in on
 * loopback and a fresh cache. The published model is the embedded tiny LLaDA, so answers can be compared with a
 * run from its folder.
 */
class ModelByNameCliTest {
    static final String REPO = "GSAI-ML/LLaDA-tiny";
    static final String PROMPT = "Uppercase these words: robot flame heart";

    @TempDir
    Path tmp;
    HubStandIn hub;
    Path cache;

    @BeforeEach
    void setUp() {
        hub = HubStandIn.start();
        hub.publish(REPO, EmbeddedModel.folder());
        cache = tmp.resolve("hf-cache");
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    @Test
    void generateByNameDownloadsWithProgressThenAnswersFromTheCacheOffline() throws Exception {
        hub.cutAfter("model.safetensors", 1_000_000, 1);
        Proc first = cli(Map.of(), "generate", "--model", REPO, "--prompt", PROMPT, "--chat", "--gen-length", "16");
        assertEquals(0, first.code, first.err);
        String expected = CliIo.run("generate", "--model", EmbeddedModel.folder().toString(), "--prompt", PROMPT, "--chat",
                "--gen-length", "16").out().lines().findFirst().orElseThrow();
        assertEquals(expected, first.out.lines().findFirst().orElseThrow(), "the same model by name answers the same");
        assertTrue(first.err.contains("downloading " + REPO + " (commit "), first.err);
        // Resumed where the file ends: at the cut, or a little before it (bytes in flight when the server broke the
        // connection are lost and fetched again).
        java.util.regex.Matcher retry = java.util.regex.Pattern.compile("retrying model\\.safetensors from byte (\\d+)")
                .matcher(first.err);
        assertTrue(retry.find(), first.err);
        long offset = Long.parseLong(retry.group(1));
        assertTrue(offset > 0 && offset <= 1_000_000, first.err);
        assertTrue(first.err.lines().anyMatch(l -> l.matches("\\[#+\\] 100%  3\\.\\d MiB / 3\\.\\d MiB  .*/s  ETA 0s  .*")),
                first.err);
        assertTrue(first.err.contains("downloaded " + REPO + " in "), first.err);

        hub.close(); // no network from here on
        Proc offline = cli(Map.of("HF_HUB_OFFLINE", "1"), "generate", "--model", REPO, "--prompt", PROMPT, "--chat",
                "--gen-length", "16");
        assertEquals(0, offline.code, offline.err);
        assertEquals(expected, offline.out.lines().findFirst().orElseThrow());
        assertFalse(offline.err.contains("downloading"), offline.err);
        Proc cachedNoNetwork = cli(Map.of(), "info", "--model", REPO);
        assertEquals(0, cachedNoNetwork.code, cachedNoNetwork.err);
        assertTrue(cachedNoNetwork.out.contains(REPO), cachedNoNetwork.out);

        Proc missing = cli(Map.of(), "generate", "--model", "Dream-org/Dream-v0-Instruct-7B", "--prompt", "hi");
        assertEquals(1, missing.code);
        assertTrue(missing.err.contains("cannot reach " + hub.endpoint()) && missing.err.contains("holds " + REPO),
                missing.err);
    }

    @Test
    void twoProcessesPullingOneModelAtOnceFetchItOnce() throws Exception {
        hub.throttle("model.safetensors", 30); // ~1.7 s per transfer: the two processes overlap
        List<Started> both = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            both.add(start(Map.of(), "pull", REPO));
        }
        List<Proc> done = new ArrayList<>();
        for (Started p : both) {
            done.add(finish(p));
        }
        for (Proc p : done) {
            assertEquals(0, p.code, p.err);
        }
        assertEquals(done.get(0).out, done.get(1).out);
        Path folder = Path.of(done.get(0).out.strip());
        assertEquals(Files.size(EmbeddedModel.folder().resolve("model.safetensors")), hub.bytesServed("model.safetensors"));
        assertEquals(-1, Files.mismatch(EmbeddedModel.folder().resolve("model.safetensors"), folder.resolve("model.safetensors")));
        assertEquals(2, hub.requests().stream().filter(r -> r.path().startsWith("/api/models/")).count());
    }

    @Test
    void corruptedBytesFailNamingTheHashesAndNeverLand() throws Exception {
        hub.corrupt("model.safetensors", 2);
        Proc p = cli(Map.of(), "pull", REPO);
        assertEquals(1, p.code);
        assertTrue(p.err.contains("model.safetensors of " + REPO + " arrived corrupted twice: sha256 "), p.err);
        assertTrue(p.err.contains("retrying model.safetensors from byte 0: sha256"), p.err);
        try (Stream<Path> s = Files.walk(cache)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith("model.safetensors")
                    || f.getFileName().toString().endsWith(".incomplete")));
        }
    }

    @Test
    void gatedRepositoriesUnknownNamesAndAClosedCacheSayWhatToDo() throws Exception {
        hub.repos().get(REPO).gated("hf_granted");
        Proc without = cli(Map.of(), "pull", REPO);
        assertEquals(1, without.code);
        assertTrue(without.err.contains(REPO + " is gated") && without.err.contains("set HF_TOKEN"), without.err);
        Proc with = cli(Map.of("HF_TOKEN", "hf_granted"), "pull", REPO);
        assertEquals(0, with.code, with.err);

        Proc unknown = cli(Map.of(), "generate", "--model", "models/llada", "--prompt", "hi");
        assertEquals(1, unknown.code);
        assertTrue(unknown.err.contains("no model models/llada on " + hub.endpoint())
                && unknown.err.contains("there is no folder"), unknown.err);
        Proc never = cli(Map.of(), "generate", "--model", "GSAI-ML/LLaDA-1.5", "--pull", "never", "--prompt", "hi");
        assertEquals(1, never.code);
        assertTrue(never.err.contains("GSAI-ML/LLaDA-1.5 is not in the Hugging Face cache") && never.err.contains("--pull when-missing"),
                never.err);
        Proc badId = cli(Map.of(), "pull", "LLaDA-8B");
        assertEquals(2, badId.code);
        assertTrue(badId.err.contains("OWNER/NAME[@REVISION]"), badId.err);
    }

    record Proc(int code, String out, String err) {}

    /** A process and the files its output goes to. */
    record Started(Process process, Path out, Path err) {}

    Proc cli(Map<String, String> env, String... args) throws Exception {
        return finish(start(env, args));
    }

    Started start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Xmx512m", ElasticCacheCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command);
        Map<String, String> e = b.environment();
        e.keySet().removeIf(k -> k.startsWith("HF_") || k.equals("HUGGING_FACE_HUB_TOKEN"));
        Map<String, String> vars = new HashMap<>(Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                "HF_HUB_CACHE", cache.toString(), "HF_HOME", tmp.resolve("hf-home").toString()));
        vars.putAll(env);
        e.putAll(vars);
        b.directory(tmp.toFile());
        long n = System.nanoTime();
        Path out = tmp.resolve("out-" + n);
        Path err = tmp.resolve("err-" + n);
        b.redirectOutput(out.toFile());
        b.redirectError(err.toFile());
        return new Started(b.start(), out, err);
    }

    Proc finish(Started s) throws Exception {
        if (!s.process().waitFor(5, TimeUnit.MINUTES)) {
            s.process().destroyForcibly();
            throw new AssertionError("the command did not end");
        }
        return new Proc(s.process().exitValue(), Files.readString(s.out(), StandardCharsets.UTF_8),
                Files.readString(s.err(), StandardCharsets.UTF_8));
    }
}
