package dev.elasticcache.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fetches one file into its blob: under a lock (a file lock between processes, a lock per blob within this one),
 * into {@code BLOB.incomplete}, resumed with {@code Range} after a cut connection or an earlier interrupted run,
 * an LFS file verified by sha256 (a mismatch is deleted and fetched once more, then fails naming both hashes),
 * and moved into place only when complete. A transfer that stalls is cut and resumed.
 */
final class BlobFetch {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "elastic-cache-download-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final int BUFFER = 1 << 20;

    private final HubClient client;
    private final DownloadListener listener;
    private final int maxAttempts;
    private final Duration stallTimeout;
    private final Duration retryPause;

    BlobFetch(HubClient client, DownloadListener listener, int maxAttempts, Duration stallTimeout, Duration retryPause) {
        this.client = client;
        this.listener = listener;
        this.maxAttempts = maxAttempts;
        this.stallTimeout = stallTimeout;
        this.retryPause = retryPause;
    }

    /**
     * Makes {@code blob} hold the file's verified bytes (nothing to do when another run already put it there),
     * holding {@code lock} meanwhile.
     */
    void fetch(ModelId id, HubClient.FileMetadata file, Path blob, Path lock) throws IOException {
        Files.createDirectories(blob.getParent());
        Files.createDirectories(lock.getParent());
        ReentrantLock local = IN_PROCESS.computeIfAbsent(blob, k -> new ReentrantLock());
        local.lock();
        try (FileChannel lockFile = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            if (Files.isRegularFile(blob)) {
                return; // another process fetched it while this one waited for the lock
            }
            Path part = HubCache.partial(blob);
            for (int round = 0; ; round++) {
                String actual = transfer(id, file, part);
                if (!file.lfs() || actual.equalsIgnoreCase(file.etag())) {
                    HubCache.move(part, blob);
                    return;
                }
                Files.deleteIfExists(part);
                if (round == 1) {
                    throw new HubException("Corrupted", file.file() + " of " + id.repo() + " arrived corrupted twice: "
                            + "sha256 " + actual + ", but the Hub says " + file.etag() + "; nothing was kept. Try again "
                            + "later, or check the mirror (HF_ENDPOINT) or proxy in between");
                }
                listener.retrying(file.file(), 0, "sha256 " + actual + " is not the expected " + file.etag() + "; fetching again");
            }
        } finally {
            local.unlock();
        }
    }

    /** Completes {@code part} (resuming what it holds); returns the sha256 of its whole content. */
    private String transfer(ModelId id, HubClient.FileMetadata file, Path part) throws IOException {
        MessageDigest sha = sha256();
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (file.size() >= 0 && have > file.size()) {
            Files.delete(part);
            have = 0;
        }
        digestPrefix(part, have, sha);
        listener.fileStarted(file.file(), file.size(), have);
        int failures = 0;
        while (!Files.exists(part) || file.size() < 0 || have < file.size()) {
            long before = have;
            try {
                have = copyFrom(id, file, part, have, sha);
                if (file.size() < 0) {
                    break; // no declared size: the body's end is the end
                }
                if (have < file.size()) {
                    throw new IOException("the body ended at byte " + have + " of " + file.size());
                }
            } catch (IOException e) {
                if (e instanceof DiskFull full) {
                    throw new HubException("DiskFull", "no space left while writing " + part + " (" + full.kept
                            + " bytes kept for the next run to resume); free at least " + sizeText(file.size() - full.kept)
                            + " on that disk and run again", e);
                }
                have = Files.isRegularFile(part) ? Files.size(part) : 0;
                failures = have > before ? 1 : failures + 1; // progress resets the count: a long flaky download ends
                if (failures >= maxAttempts) {
                    throw new HubException("Unreachable", "fetching " + file.file() + " of " + id.repo() + " failed "
                            + failures + " times in a row (" + e.getMessage() + "); " + have + " bytes are kept in "
                            + part + " and the next run resumes from there", e);
                }
                if (have < before || have == 0) { // the part was rewritten from 0: digest again
                    sha = sha256();
                    digestPrefix(part, have, sha);
                }
                listener.retrying(file.file(), have, String.valueOf(e.getMessage()));
                pause(failures);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** One GET from {@code have}; appends what arrives and returns the part's new length. */
    private long copyFrom(ModelId id, HubClient.FileMetadata file, Path part, long have, MessageDigest sha) throws IOException {
        HttpResponse<InputStream> r = client.open(id, file, have);
        if (r.statusCode() == 416) {
            r.body().close();
            return have; // the part already holds every byte
        }
        if (r.statusCode() >= 500) {
            r.body().close();
            throw new IOException("HTTP " + r.statusCode() + " from " + r.uri().getHost());
        }
        boolean append = have > 0 && r.statusCode() == 206;
        if (!append && have > 0) { // the server ignored the range: start over
            have = 0;
            sha.reset();
        }
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        InputStream in = r.body();
        var stallCheck = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastByte.get() > stallTimeout.toNanos()) {
                try {
                    in.close(); // the blocked read returns; the caller resumes with a new request
                } catch (IOException ignored) {
                    // closing is best effort
                }
            }
        }, stallTimeout.toMillis() / 4 + 1, stallTimeout.toMillis() / 4 + 1, TimeUnit.MILLISECONDS);
        try (in; FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[BUFFER];
            long written = have;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                lastByte.set(System.nanoTime());
                if (n == 0) {
                    continue;
                }
                if (file.size() >= 0 && written + n > file.size()) {
                    throw new IOException("the body is longer than the " + file.size() + " bytes the Hub announced");
                }
                try {
                    ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                } catch (IOException e) {
                    throw new DiskFull(written, e);
                }
                sha.update(buffer, 0, n);
                written += n;
                listener.progress(file.file(), n);
            }
            if (System.nanoTime() - lastByte.get() > stallTimeout.toNanos()) {
                throw new IOException("no bytes for " + stallTimeout.toSeconds() + " s");
            }
            return written;
        } finally {
            stallCheck.cancel(false);
        }
    }

    /** A write that failed: the disk is full (or gone); what was written so far stays for resuming. */
    private static final class DiskFull extends IOException {
        private static final long serialVersionUID = 1L;
        final long kept;

        DiskFull(long kept, IOException cause) {
            super(cause.getMessage(), cause);
            this.kept = kept;
        }
    }

    private static void digestPrefix(Path part, long length, MessageDigest sha) throws IOException {
        if (length == 0) {
            return;
        }
        try (InputStream in = Files.newInputStream(part)) {
            byte[] buffer = new byte[BUFFER];
            long left = length;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                sha.update(buffer, 0, n);
                left -= n;
            }
        }
    }

    private void pause(int failures) throws IOException {
        try {
            Thread.sleep(retryPause.toMillis() * failures);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sizeText(long bytes) {
        return dev.elasticcache.model.weights.MemoryBudget.size(Math.max(0, bytes));
    }
}
