package dev.elasticcache.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where models come from and where they are kept, read from the environment variables Python's
 * {@code huggingface_hub} reads, so that both share one cache.
 *
 * @param endpoint the Hub or a mirror ({@code HF_ENDPOINT}, default {@value #DEFAULT_ENDPOINT})
 * @param token bearer token for gated and private repositories ({@code HF_TOKEN}, else the file
 *     {@code huggingface-cli login} writes); null for none
 * @param cacheDir the model cache ({@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 *     {@code ~/.cache/huggingface/hub})
 * @param offline never touch the network ({@code HF_HUB_OFFLINE=1}): names resolve through the cache's refs
 */
public record HubSettings(URI endpoint, String token, Path cacheDir, boolean offline) {
    /** The public Hub. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE = Set.of("1", "true", "yes", "on");

    public HubSettings {
        endpoint = endpoint == null ? URI.create(DEFAULT_ENDPOINT) : endpoint;
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("the Hub endpoint must be an http(s) URL such as " + DEFAULT_ENDPOINT
                    + ", got '" + endpoint + "'");
        }
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
        token = token == null || token.isBlank() ? null : token.strip();
        if (cacheDir == null) {
            throw new IllegalArgumentException("the Hub cache folder is needed (HF_HUB_CACHE)");
        }
    }

    /** The settings of this process's environment. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The settings the variables {@code env} describe (the user's home from {@code user.home}). */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        Path hfHome = nonBlank(env.get("HF_HOME")) != null ? Path.of(env.get("HF_HOME"))
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        Path cache = nonBlank(env.get("HF_HUB_CACHE")) != null ? Path.of(env.get("HF_HUB_CACHE")) : hfHome.resolve("hub");
        String endpoint = nonBlank(env.get("HF_ENDPOINT"));
        String token = nonBlank(env.get("HF_TOKEN"));
        if (token == null) {
            token = nonBlank(env.get("HUGGING_FACE_HUB_TOKEN")); // the older name
        }
        if (token == null) {
            Path tokenFile = nonBlank(env.get("HF_TOKEN_PATH")) != null ? Path.of(env.get("HF_TOKEN_PATH")) : hfHome.resolve("token");
            token = readToken(tokenFile);
        }
        String offline = nonBlank(env.get("HF_HUB_OFFLINE"));
        return new HubSettings(endpoint == null ? null : URI.create(endpoint), token, cache,
                offline != null && TRUE.contains(offline.toLowerCase(Locale.ROOT)));
    }

    public HubSettings withEndpoint(URI v) { return new HubSettings(v, token, cacheDir, offline); }
    public HubSettings withToken(String v) { return new HubSettings(endpoint, v, cacheDir, offline); }
    public HubSettings withCacheDir(Path v) { return new HubSettings(endpoint, token, v, offline); }
    public HubSettings withOffline(boolean v) { return new HubSettings(endpoint, token, cacheDir, v); }

    @Override
    public String toString() { // never the token itself
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", cacheDir=" + cacheDir
                + ", offline=" + offline + "]";
    }

    private static String readToken(Path file) {
        try {
            return Files.isRegularFile(file) ? nonBlank(Files.readString(file, StandardCharsets.UTF_8)) : null;
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable token file is as good as none: a gated repo then says to set HF_TOKEN
        }
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
