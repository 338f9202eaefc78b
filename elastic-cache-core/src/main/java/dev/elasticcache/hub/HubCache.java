package dev.elasticcache.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The Hugging Face cache in the Hub's own layout, shared with Python tools:
 * <pre>
 * models--OWNER--NAME/refs/REVISION          the commit the revision resolved to
 * models--OWNER--NAME/blobs/ETAG             contents (LFS files named by their sha256)
 * models--OWNER--NAME/snapshots/COMMIT/FILE  relative links to ../../blobs/ETAG
 * </pre>
 * Downloads lock each blob in {@code .locks/models--OWNER--NAME/ETAG.lock}, as the Hub's tools do, so a Python
 * process and this one do not write the same blob at once. A file appears under {@code snapshots/} only once its blob is complete and verified, and a ref is written only
 * once its snapshot is complete, so a name that resolves here always names a loadable folder.
 */
public final class HubCache {
    private final Path root;

    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The cache's folder. */
    public Path root() {
        return root;
    }

    /** The repository's folder ({@code models--OWNER--NAME}). */
    public Path repoFolder(ModelId id) {
        return root.resolve(id.cacheFolderName());
    }

    /** The snapshot folder of {@code commit}. */
    public Path snapshot(ModelId id, String commit) {
        return repoFolder(id).resolve("snapshots").resolve(commit);
    }

    /** The repository's blob folder. */
    Path blobs(ModelId id) {
        return repoFolder(id).resolve("blobs");
    }

    /** Where blob {@code etag} is kept. */
    Path blob(ModelId id, String etag) {
        return blobs(id).resolve(etag);
    }

    /** Where {@code blob} grows while it downloads (kept across runs, so the next one resumes). */
    static Path partial(Path blob) {
        return blob.resolveSibling(blob.getFileName() + ".incomplete");
    }

    /** The lock file of blob {@code etag}, where the Hub's tools keep theirs ({@code .locks/models--OWNER--NAME/}). */
    Path lock(ModelId id, String etag) {
        return root.resolve(".locks").resolve(id.cacheFolderName()).resolve(etag + ".lock");
    }

    /** The commit the id's revision resolved to when it was last fetched: the revision itself when pinned. */
    public Optional<String> commit(ModelId id) {
        if (id.pinned()) {
            return Optional.of(id.revision());
        }
        Path ref = repoFolder(id).resolve("refs").resolve(id.revision());
        try {
            String commit = Files.isRegularFile(ref) ? Files.readString(ref, StandardCharsets.UTF_8).strip() : "";
            return commit.matches("[0-9A-Za-z]+") ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The snapshot of the id's revision when every file the engine reads is in it. */
    public Optional<Path> completeSnapshot(ModelId id) {
        return commit(id).map(c -> snapshot(id, c)).filter(s -> Files.isDirectory(s) && ModelFiles.missing(s).isEmpty());
    }

    /** Records that {@code id}'s revision is {@code commit} (atomically: a reader sees the old or the new ref). */
    void writeRef(ModelId id, String commit) throws IOException {
        if (id.pinned()) {
            return;
        }
        Path ref = repoFolder(id).resolve("refs").resolve(id.revision());
        Files.createDirectories(ref.getParent());
        Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        move(tmp, ref);
    }

    /**
     * Makes {@code snapshot/file} name the blob: a relative symbolic link as the Hub's tools make it, or a copy
     * where the file system has no links.
     */
    void link(Path snapshotFile, Path blob) throws IOException {
        Files.createDirectories(snapshotFile.getParent());
        // A name of its own: another process may be linking the same file at this moment.
        Path tmp = snapshotFile.resolveSibling("." + snapshotFile.getFileName() + "." + UUID.randomUUID() + ".link");
        try {
            Files.createSymbolicLink(tmp, snapshotFile.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        move(tmp, snapshotFile);
    }

    /** What the cache holds, for messages: each model with its refs and whether they are complete. */
    public String describe() {
        List<String> models = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> repos = Files.list(root)) {
                for (Path repo : repos.sorted().toList()) {
                    String folder = repo.getFileName().toString();
                    if (!folder.startsWith("models--") || folder.split("--").length != 3) {
                        continue;
                    }
                    String[] parts = folder.split("--");
                    models.add(parts[1] + "/" + parts[2] + refs(repo));
                }
            } catch (IOException | UncheckedIOException e) {
                return "the cache at " + root + " cannot be read (" + e.getMessage() + ")";
            }
        }
        return models.isEmpty() ? "the cache at " + root + " holds no models"
                : "the cache at " + root + " holds " + String.join(", ", models);
    }

    private String refs(Path repo) {
        Path refs = repo.resolve("refs");
        if (!Files.isDirectory(refs)) {
            return " (no complete revision)";
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(refs)) {
            for (Path ref : s.filter(Files::isRegularFile).sorted().toList()) {
                String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
                boolean complete = ModelFiles.missing(repo.resolve("snapshots").resolve(commit)).isEmpty();
                out.add(refs.relativize(ref).toString().replace('\\', '/') + " -> "
                        + commit.substring(0, Math.min(7, commit.length())) + (complete ? "" : ", incomplete"));
            }
        } catch (IOException e) {
            return "";
        }
        return " (" + String.join("; ", out) + ")";
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
