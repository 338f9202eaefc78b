package dev.elasticcache.hub;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Models by name: resolves {@code OWNER/NAME[@REVISION]} to a folder the engine loads, from the Hugging Face cache
 * or by downloading the files the engine reads into it ({@link PullStrategy}). Downloads are resumable, verified,
 * atomic per file, safe between processes and checked for disk space first.
 *
 * <pre>{@code
 * Path folder = new ModelHub(HubSettings.fromEnvironment())
 *         .resolve(ModelId.parse("GSAI-ML/LLaDA-8B-Instruct"), PullStrategy.WHEN_MISSING, Preflight.NONE);
 * }</pre>
 */
public final class ModelHub {
    /** How each door names the setting that allows downloads, for the message of a model not in the cache. */
    static final String HOW_TO_ALLOW_DOWNLOADS = "allow downloads with the pull-model strategy when-missing "
            + "(spring.ai.elastic-cache.pull-model-strategy=when-missing; the LangChain4j builder's "
            + ".pullModelStrategy(PullStrategy.WHEN_MISSING); the CLI's --pull when-missing), or fetch it with "
            + "'elastic-cache pull ID' or 'hf download ID'";

    private final HubSettings settings;
    private final HubCache cache;
    private final HubClient client;
    private final DownloadListener listener;
    private final BlobFetch fetch;
    private final ToLongFunction<Path> usableSpace;

    public ModelHub(HubSettings settings) {
        this(settings, DownloadListener.NONE);
    }

    public ModelHub(HubSettings settings, DownloadListener listener) {
        this(settings, listener, 5, Duration.ofSeconds(60), Duration.ofSeconds(1), ModelHub::usableSpace);
    }

    /** With the retry policy and the free-space probe given (tests make them short or small). */
    ModelHub(HubSettings settings, DownloadListener listener, int maxAttempts, Duration stallTimeout, Duration retryPause,
            ToLongFunction<Path> usableSpace) {
        this.settings = settings;
        this.cache = new HubCache(settings.cacheDir());
        this.client = new HubClient(settings);
        this.listener = listener == null ? DownloadListener.NONE : listener;
        this.fetch = new BlobFetch(client, this.listener, maxAttempts, stallTimeout, retryPause);
        this.usableSpace = usableSpace;
    }

    public HubSettings settings() {
        return settings;
    }

    public HubCache cache() {
        return cache;
    }

    /**
     * The folder of {@code id} under {@code strategy}: from the cache when it holds the revision completely (and the
     * strategy is not {@code always}), else downloaded. Offline ({@code HF_HUB_OFFLINE}), only the cache.
     *
     * @throws HubException saying what to do: the model is not cached and downloads are off, the Hub cannot be
     *     reached, the repository is gated, unknown or not in a format this engine reads, the disk is full
     */
    public Path resolve(ModelId id, PullStrategy strategy, Preflight preflight) {
        var cached = cache.completeSnapshot(id);
        if (settings.offline()) {
            return cached.orElseThrow(() -> new HubException("Offline", "HF_HUB_OFFLINE is set and " + id
                    + " is not complete in the cache; " + cache.describe() + ". Unset HF_HUB_OFFLINE to download it"));
        }
        if (cached.isPresent() && strategy != PullStrategy.ALWAYS) {
            return cached.get();
        }
        if (strategy == PullStrategy.NEVER) {
            throw new HubException("NotCached", id + " is not in the Hugging Face cache (" + cache.describe() + "); "
                    + HOW_TO_ALLOW_DOWNLOADS.replace("ID", id.toString()));
        }
        try {
            return download(id, preflight);
        } catch (HubException e) {
            if (cached.isPresent() && e.code().equals("Unreachable")) {
                return cached.get(); // 'always' with no network: the cached revision is the best there is
            }
            throw e;
        }
    }

    /**
     * Downloads what the cache lacks of {@code id}'s revision as the Hub has it now, and returns its snapshot folder.
     */
    public Path download(ModelId id, Preflight preflight) {
        if (settings.offline()) {
            throw new HubException("Offline", "HF_HUB_OFFLINE is set: " + id + " cannot be downloaded; " + cache.describe());
        }
        try {
            return fetchSnapshot(id, preflight == null ? Preflight.NONE : preflight);
        } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException || e.getCause() instanceof UnknownHostException) {
                throw unreachable(e);
            }
            throw new HubException("Unreachable", "downloading " + id + " failed: " + e + "; run again to resume", e);
        }
    }

    private HubException unreachable(IOException e) {
        return new HubException("Unreachable", "cannot reach " + settings.endpoint() + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); " + cache.describe()
                + ". Check the network or HF_ENDPOINT; set HF_HUB_OFFLINE=1 to use the cache only", e);
    }

    private Path fetchSnapshot(ModelId id, Preflight preflight) throws IOException {
        HubClient.RevisionInfo revision = client.revision(id);
        String commit = revision.commit();
        List<String> files = ModelFiles.select(revision.files());
        if (!files.contains(ModelFiles.CONFIG)) {
            throw new HubException("Unsupported", id + " has no config.json: it is not a transformers model this engine reads");
        }
        if (!ModelFiles.hasSafetensors(revision.files())) {
            throw new HubException("Unsupported", id + " has no .safetensors weights (PyTorch .bin files are not read);"
                    + " use a repository or revision that publishes safetensors");
        }
        Path snapshot = cache.snapshot(id, commit);

        // config.json first: an architecture the engine does not run stops here, before any weight.
        long early = fetchFile(id, commit, ModelFiles.CONFIG, snapshot);
        preflight.config(snapshot.resolve(ModelFiles.CONFIG));

        List<String> wanted = new ArrayList<>(files);
        if (files.contains(ModelFiles.INDEX)) {
            early += fetchFile(id, commit, ModelFiles.INDEX, snapshot);
            wanted.addAll(ModelFiles.shards(snapshot.resolve(ModelFiles.INDEX)));
        }
        Map<String, HubClient.FileMetadata> todo = new LinkedHashMap<>();
        long weightBytes = 0;
        for (String f : wanted) {
            boolean present = Files.isRegularFile(snapshot.resolve(f));
            if (!present || f.endsWith(".safetensors")) {
                HubClient.FileMetadata meta = client.metadata(id, commit, f);
                if (f.endsWith(".safetensors")) {
                    weightBytes += Math.max(0, meta.size());
                }
                if (!present) {
                    todo.put(f, meta);
                }
            }
        }
        preflight.weights(weightBytes);
        long need = 0;
        for (HubClient.FileMetadata meta : todo.values()) {
            Path blob = cache.blob(id, meta.etag());
            if (!Files.isRegularFile(blob)) {
                Path part = HubCache.partial(blob);
                need += Math.max(0, meta.size() - (Files.isRegularFile(part) ? Files.size(part) : 0));
            }
        }
        Path blobs = cache.blobs(id);
        Files.createDirectories(blobs);
        long free = usableSpace.applyAsLong(blobs);
        if (need > free) {
            throw new HubException("DiskFull", id + " needs " + BlobFetch.sizeText(need) + " more in " + blobs + " but "
                    + BlobFetch.sizeText(free) + " are free; free space (or point HF_HUB_CACHE at a larger disk) and run again");
        }
        listener.started(id, commit, todo.size(), need + early);
        for (HubClient.FileMetadata meta : todo.values()) {
            place(id, meta, snapshot);
        }
        List<String> missing = ModelFiles.missing(snapshot);
        if (!missing.isEmpty()) {
            throw new HubException("Unsupported", id + " lacks " + missing + " at " + commit + ": it is not a model folder"
                    + " this engine reads");
        }
        cache.writeRef(id, commit);
        listener.finished(id, snapshot);
        return snapshot;
    }

    /** Fetches one file ahead of the others; returns the bytes it took (0 when the snapshot had it). */
    private long fetchFile(ModelId id, String commit, String file, Path snapshot) throws IOException {
        if (Files.isRegularFile(snapshot.resolve(file))) {
            return 0;
        }
        place(id, client.metadata(id, commit, file), snapshot);
        return Files.size(snapshot.resolve(file));
    }

    /** Fetches the file's blob (unless some snapshot already has it) and links it into the snapshot. */
    private void place(ModelId id, HubClient.FileMetadata meta, Path snapshot) throws IOException {
        Path blob = cache.blob(id, meta.etag());
        fetch.fetch(id, meta, blob, cache.lock(id, meta.etag()));
        cache.link(snapshot.resolve(meta.file()), blob);
        listener.fileFinished(meta.file());
    }

    private static long usableSpace(Path folder) {
        try {
            return Files.getFileStore(folder).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: let the writes tell
        }
    }
}
