package dev.elasticcache.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.RandomCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import dev.elasticcache.testsupport.HubStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a Hub stand-in on loopback into a fresh cache: the protocol, its failures and the cache layout. */
class ModelHubTest {
    static final String REPO = "GSAI-ML/LLaDA-tiny";
    static final ModelId ID = ModelId.parse(REPO);
    static final String SHARD_2 = "model-00002-of-00003.safetensors";

    @TempDir
    Path tmp;
    Path model;
    Path cacheDir;
    HubStandIn hub;

    @BeforeEach
    void setUp() {
        model = RandomCheckpoint.write(tmp.resolve("published"), RandomCheckpoint.tinyConfig().build(), 7, DType.BF16, 3);
        cacheDir = tmp.resolve("cache");
        hub = HubStandIn.start();
        hub.publish(REPO, model);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    ModelHub modelHub() {
        return modelHub(settings(), DownloadListener.NONE, Long.MAX_VALUE);
    }

    HubSettings settings() {
        return new HubSettings(hub.endpoint(), null, cacheDir, false);
    }

    ModelHub modelHub(HubSettings settings, DownloadListener listener, long usable) {
        return new ModelHub(settings, listener, 3, Duration.ofSeconds(1), Duration.ofMillis(10), p -> usable);
    }

    @Test
    void downloadsFromScratchIntoTheHubCacheLayout() throws IOException {
        Path folder = modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);

        String head = hub.repos().get(REPO).head();
        assertEquals(cacheDir.resolve("models--GSAI-ML--LLaDA-tiny/snapshots/" + head).toAbsolutePath(), folder);
        assertEquals(head, Files.readString(cacheDir.resolve("models--GSAI-ML--LLaDA-tiny/refs/main")));
        List<String> published = fileNames(model);
        assertEquals(published, fileNames(folder));
        for (String f : published) {
            assertArrayEquals(Files.readAllBytes(model.resolve(f)), Files.readAllBytes(folder.resolve(f)), f);
            assertTrue(Files.isSymbolicLink(folder.resolve(f)), f + " is a link into blobs/, as the Hub's tools make it");
            assertEquals(Path.of("../../blobs"), Files.readSymbolicLink(folder.resolve(f)).getParent());
        }
        Path shardBlob = cacheDir.resolve("models--GSAI-ML--LLaDA-tiny/blobs")
                .resolve(HubStandIn.hex("SHA-256", Files.readAllBytes(model.resolve(SHARD_2))));
        assertTrue(Files.isRegularFile(shardBlob), "LFS blobs are named by their sha256");
        try (Stream<Path> blobs = Files.list(shardBlob.getParent())) {
            assertEquals(published.size(), blobs.count(), "blobs/ holds the blobs only: no partial or lock files");
        }
        assertTrue(Files.isRegularFile(cacheDir.resolve(".locks/models--GSAI-ML--LLaDA-tiny")
                .resolve(shardBlob.getFileName() + ".lock")), "locks where the Hub's tools keep theirs");
        // Only what the engine reads: never README, modelling code or .bin weights; shards through the CDN.
        for (HubStandIn.Request r : hub.requests()) {
            assertFalse(r.path().endsWith(".md") || r.path().endsWith(".py") || r.path().endsWith(".bin")
                    || r.path().endsWith(".gitattributes"), r.toString());
        }
        assertEquals(3, hub.requests().stream().filter(r -> r.server().equals("cdn")).count());
        assertTrue(new HubCache(cacheDir).describe().contains("GSAI-ML/LLaDA-tiny (main -> " + head.substring(0, 7) + ")"));
    }

    @Test
    void theTokenGoesToTheHubButNeverToTheCdn() {
        hub.repos().get(REPO).gated("hf_secret");
        modelHub(settings().withToken("hf_secret"), DownloadListener.NONE, Long.MAX_VALUE)
                .resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);
        assertTrue(hub.requests().stream().filter(r -> r.server().equals("hub"))
                .allMatch(r -> "Bearer hf_secret".equals(r.authorization())));
        assertTrue(hub.requests().stream().filter(r -> r.server().equals("cdn")).allMatch(r -> r.authorization() == null));
    }

    @Test
    void aConnectionCutHalfWayThroughAShardIsResumedWithRange() throws IOException {
        long size = Files.size(model.resolve(SHARD_2));
        hub.cutAfter(SHARD_2, size / 2, 1);
        List<String> retries = new ArrayList<>();
        Path folder = modelHub(settings(), new DownloadListener() {
            @Override
            public void retrying(String file, long offset, String reason) {
                retries.add(file + "@" + offset);
            }
        }, Long.MAX_VALUE).resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);

        assertArrayEquals(Files.readAllBytes(model.resolve(SHARD_2)), Files.readAllBytes(folder.resolve(SHARD_2)));
        // Resumed where the partial file ends: at the cut, or a little before it when bytes in flight were lost.
        assertEquals(1, retries.size(), retries.toString());
        long offset = Long.parseLong(retries.get(0).substring(retries.get(0).indexOf('@') + 1));
        assertTrue(offset > 0 && offset <= size / 2, retries.toString());
        assertTrue(hub.requests().stream().anyMatch(r -> ("bytes=" + offset + "-").equals(r.range())));
        assertEquals(size / 2 + size - offset, hub.bytesServed(SHARD_2), "nothing before the resume offset is fetched again");
    }

    @Test
    void theNextRunResumesWhatAnInterruptedProcessLeft() throws IOException {
        byte[] shard = Files.readAllBytes(model.resolve(SHARD_2));
        Path blobs = cacheDir.resolve("models--GSAI-ML--LLaDA-tiny/blobs");
        Files.createDirectories(blobs);
        Files.write(blobs.resolve(HubStandIn.hex("SHA-256", shard) + ".incomplete"), java.util.Arrays.copyOf(shard, 1000));

        Path folder = modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);

        assertArrayEquals(shard, Files.readAllBytes(folder.resolve(SHARD_2)));
        assertEquals(shard.length - 1000, hub.bytesServed(SHARD_2));
        assertTrue(hub.requests().stream().anyMatch(r -> "bytes=1000-".equals(r.range())));
    }

    @Test
    void aStalledTransferIsCutAndResumed() throws IOException {
        long size = Files.size(model.resolve(SHARD_2));
        hub.stallAfter(SHARD_2, size / 3);
        Path folder = modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);
        assertArrayEquals(Files.readAllBytes(model.resolve(SHARD_2)), Files.readAllBytes(folder.resolve(SHARD_2)));
        assertTrue(hub.requests().stream().anyMatch(r -> ("bytes=" + size / 3 + "-").equals(r.range())));
    }

    @Test
    void aCorruptedBodyIsFetchedAgainAndNeverLandsInTheCache() throws IOException {
        hub.corrupt(SHARD_2, 1);
        Path folder = modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);
        assertArrayEquals(Files.readAllBytes(model.resolve(SHARD_2)), Files.readAllBytes(folder.resolve(SHARD_2)));
        assertEquals(2 * Files.size(model.resolve(SHARD_2)), hub.bytesServed(SHARD_2));
    }

    @Test
    void aBodyCorruptedTwiceFailsNamingTheFileAndBothHashes() throws IOException {
        hub.corrupt(SHARD_2, 2);
        HubException e = assertThrows(HubException.class,
                () -> modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE));
        String expected = HubStandIn.hex("SHA-256", Files.readAllBytes(model.resolve(SHARD_2)));
        assertEquals("Corrupted", e.code());
        assertTrue(e.getMessage().contains(SHARD_2) && e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*sha256 [0-9a-f]{64}, but the Hub says " + expected + ".*"), e.getMessage());
        Path repo = cacheDir.resolve("models--GSAI-ML--LLaDA-tiny");
        assertFalse(Files.exists(repo.resolve("blobs").resolve(expected)));
        assertFalse(Files.exists(repo.resolve("blobs").resolve(expected + ".incomplete")));
        assertFalse(Files.exists(repo.resolve("refs/main")), "no ref to an incomplete snapshot");
        assertTrue(new HubCache(cacheDir).completeSnapshot(ID).isEmpty());
        try (Stream<Path> s = Files.walk(repo.resolve("snapshots"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().equals(SHARD_2)));
        }
    }

    @Test
    void aRenamedRepositoryIsFollowedThroughItsRelativeRedirect() {
        hub.rename("GSAI-ML/old-name", REPO);
        Path folder = modelHub().resolve(ModelId.parse("GSAI-ML/old-name"), PullStrategy.WHEN_MISSING, Preflight.NONE);
        assertTrue(folder.startsWith(cacheDir.resolve("models--GSAI-ML--old-name").toAbsolutePath()), folder.toString());
        assertTrue(ModelFiles.missing(folder).isEmpty());
    }

    @Test
    void aGatedRepositoryNeedsAToken() {
        hub.repos().get(REPO).gated("hf_good");
        HubException without = assertThrows(HubException.class,
                () -> modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals("GatedRepo", without.code());
        assertTrue(without.getMessage().contains("accept its license") && without.getMessage().contains("HF_TOKEN")
                && without.getMessage().contains("no token was sent"), without.getMessage());
        HubException wrong = assertThrows(HubException.class, () -> modelHub(settings().withToken("hf_bad"),
                DownloadListener.NONE, Long.MAX_VALUE).resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertTrue(wrong.getMessage().contains("has not been granted access"), wrong.getMessage());
        Path folder = modelHub(settings().withToken("hf_good"), DownloadListener.NONE, Long.MAX_VALUE)
                .resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);
        assertTrue(ModelFiles.missing(folder).isEmpty());
    }

    @Test
    void unknownRepositoryRevisionAndFileSayWhatToDo() throws IOException {
        HubException repo = assertThrows(HubException.class,
                () -> modelHub().resolve(ModelId.parse("GSAI-ML/LLaDA-9B"), PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals("RepoNotFound", repo.code());
        assertTrue(repo.getMessage().contains("no model GSAI-ML/LLaDA-9B") && repo.getMessage().contains("check the name"));

        hub.repos().get(REPO).tag("v1.0");
        HubException revision = assertThrows(HubException.class,
                () -> modelHub().resolve(ModelId.parse(REPO + "@v2"), PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals("RevisionNotFound", revision.code());
        assertTrue(revision.getMessage().contains("no revision 'v2'")
                && revision.getMessage().contains("branches [main], tags [v1.0]"), revision.getMessage());

        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        for (String f : fileNames(model)) {
            if (!f.equals(SHARD_2)) {
                Files.copy(model.resolve(f), broken.resolve(f));
            }
        }
        hub.publish("GSAI-ML/broken", broken);
        HubException file = assertThrows(HubException.class,
                () -> modelHub().resolve(ModelId.parse("GSAI-ML/broken"), PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals("EntryNotFound", file.code());
        assertTrue(file.getMessage().contains("no file " + SHARD_2), file.getMessage());
    }

    @Test
    void aTaggedOrPinnedRevisionIsItsOwnSnapshot() {
        hub.repos().get(REPO).tag("v1.0");
        String commit = hub.repos().get(REPO).head();
        Path tagged = modelHub().resolve(ModelId.parse(REPO + "@v1.0"), PullStrategy.WHEN_MISSING, Preflight.NONE);
        assertEquals(commit, tagged.getFileName().toString());
        Path pinned = modelHub().resolve(ModelId.parse(REPO + "@" + commit), PullStrategy.NEVER, Preflight.NONE);
        assertEquals(tagged, pinned);
    }

    @Test
    void offlineAndUnreachableResolveFromTheCacheAndSayWhatItHolds() {
        Path folder = modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);
        hub.close();
        assertEquals(folder, modelHub(settings().withOffline(true), DownloadListener.NONE, 0)
                .resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals(folder, modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE), "cached: no network needed");
        assertEquals(folder, modelHub().resolve(ID, PullStrategy.ALWAYS, Preflight.NONE), "always, but no network: the cache");

        ModelId other = ModelId.parse("Dream-org/Dream-v0-Instruct-7B");
        HubException offline = assertThrows(HubException.class, () -> modelHub(settings().withOffline(true),
                DownloadListener.NONE, 0).resolve(other, PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals("Offline", offline.code());
        assertTrue(offline.getMessage().contains("holds GSAI-ML/LLaDA-tiny (main -> "), offline.getMessage());
        HubException unreachable = assertThrows(HubException.class,
                () -> modelHub().resolve(other, PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals("Unreachable", unreachable.code());
        assertTrue(unreachable.getMessage().contains("cannot reach " + hub.endpoint())
                && unreachable.getMessage().contains("HF_HUB_OFFLINE=1")
                && unreachable.getMessage().contains("holds GSAI-ML/LLaDA-tiny"), unreachable.getMessage());
        HubException never = assertThrows(HubException.class,
                () -> modelHub().resolve(other, PullStrategy.NEVER, Preflight.NONE));
        assertEquals("NotCached", never.code());
        assertTrue(never.getMessage().contains("spring.ai.elastic-cache.pull-model-strategy=when-missing")
                && never.getMessage().contains("elastic-cache pull Dream-org/Dream-v0-Instruct-7B"), never.getMessage());
    }

    @Test
    void alwaysFetchesTheNewCommitAndOnlyTheFilesThatChanged() throws IOException {
        Path first = modelHub().resolve(ID, PullStrategy.ALWAYS, Preflight.NONE);
        long servedBefore = hub.bytesServed(SHARD_2);
        Files.writeString(model.resolve("generation_config.json"), "{\"max_length\": 64}");
        hub.publish(REPO, model);
        assertEquals(first, modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE), "when-missing keeps the cache");
        Path second = modelHub().resolve(ID, PullStrategy.ALWAYS, Preflight.NONE);
        assertNotEquals(first, second);
        assertEquals(hub.repos().get(REPO).head(), Files.readString(cacheDir.resolve("models--GSAI-ML--LLaDA-tiny/refs/main")));
        assertEquals("{\"max_length\": 64}", Files.readString(second.resolve("generation_config.json")));
        assertEquals(servedBefore, hub.bytesServed(SHARD_2), "an unchanged shard's blob is shared, not fetched again");
        assertTrue(ModelFiles.missing(first).isEmpty(), "the old snapshot stays usable");
    }

    @Test
    void notEnoughDiskStopsBeforeAnyWeightIsFetched() {
        HubException e = assertThrows(HubException.class, () -> modelHub(settings(), DownloadListener.NONE, 1000)
                .resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE));
        assertEquals("DiskFull", e.code());
        assertTrue(e.getMessage().contains("free space") && e.getMessage().contains("are free"), e.getMessage());
        assertTrue(hub.requests().stream().noneMatch(r -> r.server().equals("cdn")));
    }

    @Test
    void thePreflightStopsTheDownloadAfterConfigJson() {
        Preflight refuse = new Preflight() {
            @Override
            public void config(Path configJson) {
                throw new IllegalArgumentException("unsupported architecture in " + configJson.getFileName());
            }
        };
        assertThrows(IllegalArgumentException.class, () -> modelHub().resolve(ID, PullStrategy.WHEN_MISSING, refuse));
        assertTrue(hub.requests().stream().noneMatch(r -> r.server().equals("cdn")));
        assertTrue(hub.requests().stream().noneMatch(r -> r.path().endsWith("tokenizer.json")));
        long[] seen = {-1};
        Preflight weights = new Preflight() {
            @Override
            public void weights(long bytes) {
                seen[0] = bytes;
                throw new IllegalArgumentException("too big");
            }
        };
        assertThrows(IllegalArgumentException.class, () -> modelHub().resolve(ID, PullStrategy.WHEN_MISSING, weights));
        long shardBytes = 0;
        for (String f : fileNames(model)) {
            shardBytes += f.endsWith(".safetensors") ? model.resolve(f).toFile().length() : 0;
        }
        assertEquals(shardBytes, seen[0]);
        assertTrue(hub.requests().stream().noneMatch(r -> r.server().equals("cdn")));
    }

    @Test
    void twoDownloadsOfOneModelAtOnceFetchEachShardOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> both = List.of(
                    pool.submit(() -> modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE)),
                    pool.submit(() -> modelHub().resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE)));
            assertEquals(both.get(0).get(), both.get(1).get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Files.size(model.resolve(SHARD_2)), hub.bytesServed(SHARD_2));
    }

    @Test
    void progressCountsEveryByteOnce() throws IOException {
        long[] announced = {0};
        long[] arrived = {0};
        hub.cutAfter(SHARD_2, 5000, 1);
        modelHub(settings(), new DownloadListener() {
            @Override
            public void started(ModelId id, String commit, int files, long bytes) {
                announced[0] = bytes;
            }

            @Override
            public void progress(String file, long delta) {
                arrived[0] += delta;
            }
        }, Long.MAX_VALUE).resolve(ID, PullStrategy.WHEN_MISSING, Preflight.NONE);
        long total = 0;
        for (String f : fileNames(model)) {
            total += Files.size(model.resolve(f));
        }
        assertEquals(total, announced[0]);
        assertEquals(total, arrived[0]);
    }

    @Test
    void idsAndSettingsParseAsTheHubsToolsDo() {
        assertEquals(new ModelId("GSAI-ML", "LLaDA-8B-Instruct", "main"), ModelId.parse("GSAI-ML/LLaDA-8B-Instruct"));
        assertEquals("refs/pr/1", ModelId.parse("a/b@refs/pr/1").revision());
        assertTrue(ModelId.parse("a/b@0123456789abcdef0123456789abcdef01234567").pinned());
        for (String bad : List.of("LLaDA-8B", "a/b/c", "/abs/path", "a/", "a/b@", "../x", "a/b c")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelId.parse(bad), bad);
            assertTrue(e.getMessage().contains("OWNER/NAME") || e.getMessage().contains("revision"), e.getMessage());
        }
        assertFalse(ModelId.looksLikeId("./models/llada"));
        assertTrue(ModelId.looksLikeId("models/llada"), "a folder that does not exist may be an id: callers look first");

        Path home = tmp.resolve("home");
        HubSettings defaults = HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString()));
        assertEquals(home.resolve("hub"), defaults.cacheDir());
        assertEquals("https://huggingface.co", defaults.endpoint().toString());
        assertNull(defaults.token());
        assertFalse(defaults.offline());
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve("token"), "hf_from_login\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_HUB_CACHE", "/x/cache",
                "HF_ENDPOINT", "http://mirror:8080/", "HF_HUB_OFFLINE", "1"));
        assertEquals(Path.of("/x/cache"), s.cacheDir());
        assertEquals("http://mirror:8080", s.endpoint().toString());
        assertEquals("hf_from_login", s.token(), "the token huggingface-cli login saved");
        assertTrue(s.offline());
        assertFalse(s.toString().contains("hf_from_login"));
        assertEquals("hf_env", HubSettings.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_TOKEN", "hf_env")).token());
        assertThrows(IllegalArgumentException.class, () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")));
        assertEquals(PullStrategy.WHEN_MISSING, PullStrategy.parse("when_missing"));
        assertThrows(IllegalArgumentException.class, () -> PullStrategy.parse("sometimes"));
    }

    static List<String> fileNames(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
