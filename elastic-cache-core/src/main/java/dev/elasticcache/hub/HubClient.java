package dev.elasticcache.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Hub's protocol over the JDK's HTTP client: a revision's commit and file listing
 * ({@code GET /api/models/REPO/revision/REV}), a file's metadata ({@code HEAD /REPO/resolve/COMMIT/FILE}, not
 * following the redirect to the CDN) and its bytes ({@code GET}, from an offset). Redirects are followed here so
 * that the token is sent only to the endpoint's own host, never to a CDN; errors become {@link HubException}s
 * that say what to do, by the Hub's {@code X-Error-Code}.
 */
final class HubClient {
    private static final int MAX_REDIRECTS = 10;
    private final HubSettings settings;
    private final HttpClient http;

    HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** A revision's commit and the repository's files at it. */
    record RevisionInfo(String commit, List<String> files) {}

    /**
     * What a file is at a commit.
     *
     * @param etag the blob's name in the cache: the sha256 of an LFS file's content, else the git blob hash
     * @param lfs whether the Hub stores it in LFS ({@code X-Linked-Etag}): its sha256 is then verified
     * @param location where its bytes are (the CDN for LFS files)
     */
    record FileMetadata(String file, String etag, long size, boolean lfs, URI location) {}

    RevisionInfo revision(ModelId id) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + id.repo() + "/revision/" + encode(id.revision()));
        HttpResponse<String> r = send(uri, "GET", HttpResponse.BodyHandlers.ofString(), true);
        if (r.statusCode() != 200) {
            throw failure(r, id, null);
        }
        try {
            JsonObject json = JsonParser.parseString(r.body()).getAsJsonObject();
            String sha = json.get("sha").getAsString();
            if (!sha.matches("[0-9A-Za-z]{7,64}")) { // it names a folder of the cache
                throw new IllegalStateException("the commit '" + sha + "' is not a commit hash");
            }
            List<String> files = new ArrayList<>();
            if (json.has("siblings")) {
                for (JsonElement s : json.getAsJsonArray("siblings")) {
                    files.add(s.getAsJsonObject().get("rfilename").getAsString());
                }
            }
            return new RevisionInfo(sha, files);
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new HubException("Http", uri + " answered what is not a model's revision (" + e.getMessage()
                    + "); is " + settings.endpoint() + " a Hugging Face Hub or mirror?", e);
        }
    }

    FileMetadata metadata(ModelId id, String commit, String file) throws IOException {
        URI uri = resolveUri(id, commit, file);
        // HEAD, following only relative redirects (a renamed repository); the 302 to the CDN carries the metadata.
        HttpResponse<Void> r = send(uri, "HEAD", HttpResponse.BodyHandlers.discarding(), false);
        int status = r.statusCode();
        if (status >= 400) {
            throw failure(r, id, file);
        }
        var h = r.headers();
        String linked = h.firstValue("X-Linked-Etag").orElse(null);
        String etag = normalizeEtag(linked != null ? linked : h.firstValue("ETag").orElse(null));
        long size = h.firstValueAsLong("X-Linked-Size").orElse(h.firstValueAsLong("Content-Length").orElse(-1));
        if (etag == null || etag.isEmpty() || !etag.matches("[0-9A-Za-z._-]+")) {
            throw new HubException("Http", uri + ": the answer has no usable ETag (got " + etag + "); a mirror at "
                    + settings.endpoint() + " must pass the Hub's ETag / X-Linked-Etag headers");
        }
        URI location = status >= 300 && h.firstValue("Location").isPresent()
                ? r.uri().resolve(h.firstValue("Location").get()) : r.uri();
        return new FileMetadata(file, etag, size, linked != null, location);
    }

    /** Opens a file's bytes from {@code offset} (a 206 when the server honours the range, else a 200 from 0). */
    HttpResponse<InputStream> open(ModelId id, FileMetadata file, long offset) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(file.location()).GET();
        if (offset > 0) {
            b.header("Range", "bytes=" + offset + "-");
        }
        HttpResponse<InputStream> r = sendFollowing(b, HttpResponse.BodyHandlers.ofInputStream(), true);
        if (r.statusCode() >= 400 && r.statusCode() != 416) {
            HttpResponse<InputStream> failed = r;
            try (InputStream body = failed.body()) {
                String text = new String(body.readNBytes(2000), StandardCharsets.UTF_8);
                throw failure(failed, text, id, file.file());
            }
        }
        return r;
    }

    /** Branches and tags of a repository, for a message about an unknown revision; empty when not known. */
    String revisionsOf(ModelId id) {
        try {
            URI uri = URI.create(settings.endpoint() + "/api/models/" + id.repo() + "/refs");
            HttpResponse<String> r = send(uri, "GET", HttpResponse.BodyHandlers.ofString(), true);
            if (r.statusCode() != 200) {
                return "";
            }
            JsonObject json = JsonParser.parseString(r.body()).getAsJsonObject();
            return "branches " + names(json, "branches") + ", tags " + names(json, "tags");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static List<String> names(JsonObject json, String key) {
        List<String> out = new ArrayList<>();
        if (json.has(key)) {
            for (JsonElement e : json.getAsJsonArray(key)) {
                out.add(e.getAsJsonObject().get("name").getAsString());
            }
        }
        return out;
    }

    private URI resolveUri(ModelId id, String commit, String file) {
        StringBuilder path = new StringBuilder();
        for (String part : file.split("/")) {
            path.append('/').append(encode(part));
        }
        return URI.create(settings.endpoint() + "/" + id.repo() + "/resolve/" + encode(commit) + path);
    }

    private <T> HttpResponse<T> send(URI uri, String method, HttpResponse.BodyHandler<T> body, boolean followAll)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60));
        return sendFollowing(b, body, followAll);
    }

    /**
     * Sends, following redirects: all of them, or ({@code followAll} false) only relative ones. The token goes to
     * the endpoint's host only.
     */
    private <T> HttpResponse<T> sendFollowing(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, boolean followAll)
            throws IOException {
        HttpRequest base = request.build();
        URI uri = base.uri();
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(base.method(),
                    HttpRequest.BodyPublishers.noBody()).timeout(base.timeout().orElse(Duration.ofSeconds(60)));
            base.headers().map().forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
            if (settings.token() != null && sameOrigin(uri, settings.endpoint())) {
                b.header("Authorization", "Bearer " + settings.token());
            }
            b.header("User-Agent", "elastic-cache-java; hf-hub-protocol");
            HttpResponse<T> r;
            try {
                r = http.send(b.build(), body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while talking to " + uri.getHost(), e);
            }
            int s = r.statusCode();
            var location = r.headers().firstValue("Location");
            if (s < 300 || s >= 400 || location.isEmpty()) {
                return r;
            }
            boolean relative = !URI.create(location.get()).isAbsolute();
            if (!followAll && !relative) {
                return r;
            }
            if (hop >= MAX_REDIRECTS) {
                throw new HubException("Http", "more than " + MAX_REDIRECTS + " redirects from " + base.uri());
            }
            if (r.body() instanceof InputStream in) {
                in.close();
            }
            uri = uri.resolve(location.get());
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    private HubException failure(HttpResponse<?> r, ModelId id, String file) {
        return failure(r, r.body() instanceof String s ? s : "", id, file);
    }

    private HubException failure(HttpResponse<?> r, String body, ModelId id, String file) {
        String code = r.headers().firstValue("X-Error-Code").orElse("");
        String serverMessage = r.headers().firstValue("X-Error-Message").orElse(body.length() > 300 ? body.substring(0, 300) : body);
        String page = settings.endpoint() + "/" + id.repo();
        boolean token = settings.token() != null;
        return switch (code) {
            case "GatedRepo" -> new HubException(code, id.repo() + " is gated: open " + page + ", accept its license while "
                    + "logged in, then set HF_TOKEN to an access token of that account"
                    + (token ? " (the token that was sent has not been granted access yet)" : " (no token was sent)"));
            case "RepoNotFound" -> new HubException(code, "no model " + id.repo() + " on " + settings.endpoint()
                    + ": check the name (OWNER/NAME as on the model's page)" + (token ? ", and that the token can read it"
                    : "; a private repository also needs HF_TOKEN"));
            case "RevisionNotFound" -> {
                String known = revisionsOf(id);
                yield new HubException(code, id.repo() + " has no revision '" + id.revision() + "'"
                        + (known.isEmpty() ? "" : "; it has " + known) + "; name one after @ (OWNER/NAME@REVISION) or drop @ for main");
            }
            case "EntryNotFound" -> new HubException(code, id.repo() + " has no file " + file + " at its revision "
                    + id.revision() + "; the repository is incomplete or not in the format this engine reads");
            default -> new HubException("Http", "HTTP " + r.statusCode() + " from " + r.uri()
                    + (serverMessage.isBlank() ? "" : ": " + serverMessage.strip())
                    + (r.statusCode() == 401 || r.statusCode() == 403 ? "; set HF_TOKEN if the repository needs one" : ""));
        };
    }

    private static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
