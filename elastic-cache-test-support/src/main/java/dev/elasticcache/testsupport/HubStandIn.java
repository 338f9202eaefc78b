package dev.elasticcache.testsupport;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A stand-in of the Hugging Face Hub on loopback, speaking the protocol a client sees (revision API, HEAD/GET
 * resolve with X-Repo-Commit, ETag, X-Linked-Etag/Size, a 302 of LFS files to a second server playing the CDN,
 * Range, X-Error-Code errors, 307 for a renamed repository), with faults to inject: a connection cut part-way, a
 * corrupted body, a stall, a slow link. Tests start one per test; the lab's {@code LocalHubMain} serves the
 * exact-shape checkpoints with it. Files up to {@value #HELD_BYTES} bytes are held in memory at publication; larger
 * ones are read from their path as they are served (they must not change while published).
 */
public final class HubStandIn implements AutoCloseable {
    /** Files up to this size are copied into memory when published. */
    public static final long HELD_BYTES = 64L << 20;

    private final HttpServer hub;
    private final HttpServer cdn;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, Content> blobsBySha = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bytesServed = new ConcurrentHashMap<>();
    private final Map<String, Long> throttles = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** One request as the servers saw it. */
    public record Request(String server, String method, String path, String range, String authorization) {}

    private HubStandIn(int port) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, port), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        hub.setExecutor(Executors.newCachedThreadPool(daemon("hub")));
        cdn.setExecutor(Executors.newCachedThreadPool(daemon("cdn")));
        hub.start();
        cdn.start();
    }

    /** A stand-in on a free loopback port. */
    public static HubStandIn start() {
        return start(0);
    }

    /** A stand-in on loopback port {@code port} (0: any free one). */
    public static HubStandIn start(int port) {
        try {
            return new HubStandIn(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint to set as HF_ENDPOINT. */
    public URI endpoint() {
        return URI.create("http://" + hub.getAddress().getAddress().getHostAddress() + ":" + hub.getAddress().getPort());
    }

    /** The CDN's origin (another server: the token must never reach it). */
    public URI cdnEndpoint() {
        return URI.create("http://" + cdn.getAddress().getAddress().getHostAddress() + ":" + cdn.getAddress().getPort());
    }

    /** Publishes (or replaces with a new commit) repository {@code repo} holding the files of {@code folder}. */
    public Repo publish(String repo, Path folder) {
        Map<String, Content> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isRegularFile(p)) {
                    Content c = Content.of(p);
                    files.put(p.getFileName().toString(), c);
                    blobsBySha.put(c.sha256, c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Repo r = repos.computeIfAbsent(repo, Repo::new);
        r.commit(files);
        return r;
    }

    /** The published repositories by name. */
    public Map<String, Repo> repos() {
        return repos;
    }

    /** The repository's old name answers 307 to the new one. */
    public void rename(String oldRepo, String newRepo) {
        renamed.put(oldRepo, newRepo);
    }

    /** The next {@code times} transfers of {@code file} break off after {@code bytes} bytes. */
    public void cutAfter(String file, long bytes, int times) {
        faults.put(file, new Fault("cut", bytes, new AtomicInteger(times)));
    }

    /** The next {@code times} transfers of {@code file} carry a flipped byte. */
    public void corrupt(String file, int times) {
        faults.put(file, new Fault("corrupt", 0, new AtomicInteger(times)));
    }

    /** The next transfer of {@code file} sends {@code bytes} bytes, then nothing for a minute. */
    public void stallAfter(String file, long bytes) {
        faults.put(file, new Fault("stall", bytes, new AtomicInteger(1)));
    }

    /** Every transfer of {@code file} pauses {@code millis} after each 64 KiB (a slow link). */
    public void throttle(String file, long millis) {
        throttles.put(file, millis);
    }

    /** Every request so far. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Body bytes sent of {@code file} over all its transfers. */
    public long bytesServed(String file) {
        AtomicLong n = bytesServed.get(file);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }

    /** A repository: its commits (the last is main's), gating and privacy. */
    public final class Repo {
        final String name;
        final List<String> commits = new ArrayList<>();
        final Map<String, Map<String, Content>> filesByCommit = new ConcurrentHashMap<>();
        final Map<String, String> tags = new ConcurrentHashMap<>();
        volatile String token; // gated: only this token may read files

        Repo(String name) {
            this.name = name;
        }

        synchronized void commit(Map<String, Content> files) {
            StringBuilder all = new StringBuilder(name).append(commits.size());
            files.forEach((f, c) -> all.append(f).append(c.sha256));
            String sha = hex("SHA-1", all.toString().getBytes(StandardCharsets.UTF_8));
            commits.add(sha);
            filesByCommit.put(sha, new LinkedHashMap<>(files));
        }

        /** Files can be read only with {@code bearer} (listing and metadata stay public, as on the Hub). */
        public Repo gated(String bearer) {
            token = bearer;
            return this;
        }

        /** Tag {@code tag} names the current commit. */
        public Repo tag(String tag) {
            tags.put(tag, head());
            return this;
        }

        /** The commit main points at. */
        public synchronized String head() {
            return commits.get(commits.size() - 1);
        }

        synchronized String commitOf(String revision) {
            if (revision.equals("main")) {
                return head();
            }
            if (tags.containsKey(revision)) {
                return tags.get(revision);
            }
            return filesByCommit.containsKey(revision) ? revision : null;
        }
    }

    private record Fault(String kind, long bytes, AtomicInteger times) {}

    /** A published file: its bytes (held, or read from {@code path}), size and hashes. */
    private record Content(byte[] bytes, Path path, long size, String sha256, String gitSha) {
        static Content of(Path p) throws IOException {
            long size = Files.size(p);
            if (size <= HELD_BYTES) {
                byte[] b = Files.readAllBytes(p);
                return new Content(b, null, size, hex("SHA-256", b), gitBlobSha(b));
            }
            MessageDigest sha = digest("SHA-256");
            try (InputStream in = Files.newInputStream(p)) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            return new Content(null, p, size, HexFormat.of().formatHex(sha.digest()), null);
        }

        /** Reads {@code length} bytes at {@code offset} into {@code buffer}. */
        void read(FileChannel channel, long offset, byte[] buffer, int length) throws IOException {
            if (bytes != null) {
                System.arraycopy(bytes, (int) offset, buffer, 0, length);
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, length);
            while (b.hasRemaining()) {
                if (channel.read(b, offset + b.position()) < 0) {
                    throw new IOException(path + " shrank while published");
                }
            }
        }
    }

    private void hub(HttpExchange x) throws IOException {
        try (x) {
            String path = URLDecoder.decode(x.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            log("hub", x, path);
            String[] p = path.substring(1).split("/", -1);
            if (p.length >= 4 && p[0].equals("api") && p[1].equals("models")) {
                api(x, p);
                return;
            }
            if (p.length < 5 || !p[2].equals("resolve")) {
                error(x, 404, null, "not found");
                return;
            }
            String repoName = p[0] + "/" + p[1];
            Repo repo = repoOrAnswer(x, "/", repoName);
            if (repo == null) {
                return;
            }
            if (repo.token != null && !("Bearer " + repo.token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                error(x, 401, "GatedRepo", "Access to model " + repoName + " is restricted");
                return;
            }
            String commit = repo.commitOf(p[3]);
            if (commit == null) {
                error(x, 404, "RevisionNotFound", "Invalid rev id: " + p[3]);
                return;
            }
            String file = String.join("/", List.of(p).subList(4, p.length));
            Content content = repo.filesByCommit.get(commit).get(file);
            if (content == null) {
                error(x, 404, "EntryNotFound", file + " does not exist on \"" + p[3] + "\"");
                return;
            }
            var h = x.getResponseHeaders();
            h.set("X-Repo-Commit", commit);
            if (file.endsWith(".safetensors") || content.gitSha == null) {
                String sha = content.sha256;
                h.set("ETag", "\"" + sha + "\"");
                h.set("X-Linked-Etag", "\"" + sha + "\"");
                h.set("X-Linked-Size", String.valueOf(content.size));
                h.set("Location", cdnEndpoint() + "/cdn/" + sha + "?file=" + file + "&signature=abc");
                x.sendResponseHeaders(302, -1);
                return;
            }
            h.set("ETag", "\"" + content.gitSha + "\"");
            if (x.getRequestMethod().equals("HEAD")) {
                h.set("Content-Length", String.valueOf(content.size));
                x.sendResponseHeaders(200, -1);
                return;
            }
            send(x, file, content);
        }
    }

    /**
     * The repository a path names, or null once the answer is sent: a 307 to the new name of a renamed one (a
     * relative Location, as the Hub sends), 401 RepoNotFound for an unknown one.
     */
    private Repo repoOrAnswer(HttpExchange x, String prefix, String repoName) throws IOException {
        if (renamed.containsKey(repoName)) {
            String rest = x.getRequestURI().getRawPath().substring((prefix + repoName).length());
            x.getResponseHeaders().set("Location", prefix + renamed.get(repoName) + rest);
            x.sendResponseHeaders(307, -1);
            return null;
        }
        Repo repo = repos.get(repoName);
        if (repo == null) {
            error(x, 401, "RepoNotFound", "Repository not found");
        }
        return repo;
    }

    private void api(HttpExchange x, String[] p) throws IOException {
        String repoName = p[2] + "/" + p[3];
        Repo repo = repoOrAnswer(x, "/api/models/", repoName);
        if (repo == null) {
            return;
        }
        JsonObject json = new JsonObject();
        if (p.length == 5 && p[4].equals("refs")) {
            JsonArray branches = new JsonArray();
            JsonObject main = new JsonObject();
            main.addProperty("name", "main");
            main.addProperty("targetCommit", repo.head());
            branches.add(main);
            JsonArray tags = new JsonArray();
            repo.tags.forEach((t, c) -> {
                JsonObject tag = new JsonObject();
                tag.addProperty("name", t);
                tag.addProperty("targetCommit", c);
                tags.add(tag);
            });
            json.add("branches", branches);
            json.add("tags", tags);
        } else if (p.length >= 6 && p[4].equals("revision")) {
            String revision = String.join("/", List.of(p).subList(5, p.length));
            String commit = repo.commitOf(revision);
            if (commit == null) {
                error(x, 404, "RevisionNotFound", "Invalid rev id: " + revision);
                return;
            }
            json.addProperty("id", repoName);
            json.addProperty("sha", commit);
            json.addProperty("gated", repo.token == null ? "false" : "manual");
            JsonArray siblings = new JsonArray();
            for (String f : repo.filesByCommit.get(commit).keySet()) {
                JsonObject s = new JsonObject();
                s.addProperty("rfilename", f);
                siblings.add(s);
            }
            for (String extra : List.of(".gitattributes", "README.md", "modeling_llada.py", "pytorch_model.bin")) {
                JsonObject s = new JsonObject(); // files a client must not fetch (404 if it tries)
                s.addProperty("rfilename", extra);
                siblings.add(s);
            }
            json.add("siblings", siblings);
        } else {
            error(x, 404, null, "not found");
            return;
        }
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
    }

    private void cdn(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            log("cdn", x, path);
            String query = x.getRequestURI().getQuery();
            String file = query == null ? path : query.replaceAll(".*file=([^&]*).*", "$1");
            Content content = path.startsWith("/cdn/") ? blobsBySha.get(path.substring(5)) : null;
            if (content == null) {
                error(x, 404, null, "no such object");
                return;
            }
            send(x, file, content);
        }
    }

    /** Sends {@code content} (from the Range start when there is one), applying the file's fault. */
    private void send(HttpExchange x, String file, Content content) throws IOException {
        long from = 0;
        String range = x.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) {
            from = Long.parseLong(range.substring(6, range.indexOf('-')));
            if (from >= content.size) {
                x.getResponseHeaders().set("Content-Range", "bytes */" + content.size);
                x.sendResponseHeaders(416, -1);
                return;
            }
            x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.size - 1) + "/" + content.size);
        }
        Fault fault = faults.get(file);
        boolean active = fault != null && fault.times.getAndUpdate(t -> Math.max(0, t - 1)) > 0;
        boolean corrupt = active && fault.kind.equals("corrupt");
        long stopAt = active && !corrupt ? Math.max(from, Math.min(content.size, fault.bytes)) : content.size;
        x.sendResponseHeaders(range != null ? 206 : 200, content.size - from);
        OutputStream out = x.getResponseBody();
        AtomicLong served = bytesServed.computeIfAbsent(file, k -> new AtomicLong());
        byte[] buffer = new byte[64 * 1024];
        try (FileChannel channel = content.path == null ? null : FileChannel.open(content.path, StandardOpenOption.READ)) {
            for (long i = from; i < stopAt; ) {
                int n = (int) Math.min(buffer.length, stopAt - i);
                content.read(channel, i, buffer, n);
                long flip = content.size / 2;
                if (corrupt && flip >= i && flip < i + n) {
                    buffer[(int) (flip - i)] ^= 0x5a;
                }
                out.write(buffer, 0, n);
                served.addAndGet(n);
                i += n;
                Long pause = throttles.get(file);
                if (pause != null) {
                    sleep(pause);
                }
            }
        }
        out.flush();
        if (stopAt < content.size) {
            if (fault.kind.equals("stall")) {
                sleep(60_000);
            }
            // break the connection: the client sees fewer bytes than Content-Length announced
            throw new IOException("cut by the stand-in after " + stopAt + " bytes");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void log(String server, HttpExchange x, String path) {
        requests.add(new Request(server, x.getRequestMethod(), path, x.getRequestHeaders().getFirst("Range"),
                x.getRequestHeaders().getFirst("Authorization")));
    }

    private static void error(HttpExchange x, int status, String code, String message) throws IOException {
        if (code != null) {
            x.getResponseHeaders().set("X-Error-Code", code);
        }
        x.getResponseHeaders().set("X-Error-Message", message);
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        if (x.getRequestMethod().equals("HEAD")) {
            x.sendResponseHeaders(status, -1);
        } else {
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
        }
    }

    /** The git blob hash of {@code content}: the Hub's ETag of a file not in LFS. */
    public static String gitBlobSha(byte[] content) {
        MessageDigest d = digest("SHA-1");
        d.update(("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest(content));
    }

    /** {@code content}'s hash by {@code algorithm} (SHA-256: an LFS file's ETag), in hex. */
    public static String hex(String algorithm, byte[] content) {
        return HexFormat.of().formatHex(digest(algorithm).digest(content));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "stand-in-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
