package dev.elasticcache.engine;

import dev.elasticcache.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The small models trained by this project and shipped inside the core jar, so that an application works with
 * no download: {@value #NAME} (text, the default), {@value #TOOLS_NAME} (calls tools and fills JSON documents:
 * agents, chains and structured output) and {@value #VISION_NAME} (a LLaDA-V-format vision-language model that
 * reads short text in images). Safetensors are memory-mapped, so when the jar is not unpacked the
 * files are copied once into a cache folder.
 */
public final class EmbeddedModel {
    /** The text model's name, as reported by {@link ModelInfo#name()}. */
    public static final String NAME = "tiny-llada";
    /** Classpath folder of the embedded text model. */
    public static final String RESOURCE_FOLDER = resourceFolder(NAME);
    /** The vision-language model's name. */
    public static final String VISION_NAME = "tiny-llada-v";
    /** The tool-calling and JSON model's name: its chat template renders the tools one line each. */
    public static final String TOOLS_NAME = "tiny-llada-tools";
    /** Every embedded model's name. */
    public static final List<String> NAMES = List.of(NAME, TOOLS_NAME, VISION_NAME);
    private static final List<String> FILES =
            List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json");

    private EmbeddedModel() {}

    /** A folder holding the embedded text model's files (the classpath folder itself when it is one). */
    public static Path folder() {
        return folder(NAME);
    }

    /**
     * A folder holding the files of the embedded model {@code name} (one of {@link #NAMES}).
     *
     * @throws IllegalArgumentException naming the embedded models, for another name
     */
    public static synchronized Path folder(String name) {
        URL config = resource(name, FILES.get(0));
        try {
            if ("file".equals(config.getProtocol())) {
                return Path.of(config.toURI()).getParent();
            }
            Path target = cacheFolder(name);
            for (String file : FILES) {
                Path out = target.resolve(file);
                if (!Files.isRegularFile(out)) {
                    Files.createDirectories(target);
                    Path tmp = Files.createTempFile(target, file, ".part");
                    try (InputStream in = resource(name, file).openStream()) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedded model: " + e.getMessage()
                    + "; set elastic-cache.cache-dir (system property) to a writable folder", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks an embedded model name; returns it. */
    public static String checkName(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown embedded model '" + name + "'; the embedded models are " + NAMES
                    + " (or set a model folder)");
        }
        return name;
    }

    private static Path cacheFolder(String name) throws IOException {
        String base = System.getProperty("elastic-cache.cache-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "elastic-cache-" + System.getProperty("user.name")).toString());
        // Keyed by a digest of the jar's copies of all files, so a new model never reuses stale unpacked files
        // (a retrained model of the same shape has weights of exactly the same size).
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] buffer = new byte[1 << 16];
        for (String file : FILES) {
            try (InputStream in = resource(name, file).openStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                }
            }
        }
        return Path.of(base, name + "-" + Long.toHexString(crc.getValue()));
    }

    /**
     * The task families the embedded model was trained on (its {@code training.json} {@code tasks}), e.g.
     * {@code [uppercase, complement, query]}: what it can answer; empty when the file is absent.
     */
    public static List<String> families() {
        return card().families();
    }

    /** What the embedded text model knows (its {@code training.json}), read from the classpath without unpacking. */
    public static ModelCard card() {
        return card(NAME);
    }

    /** What the embedded model {@code name} knows (its {@code training.json}). */
    public static ModelCard card(String name) {
        URL url = EmbeddedModel.class.getClassLoader().getResource(resourceFolder(checkName(name)) + ModelCard.FILE);
        if (url == null) {
            return ModelCard.GENERAL;
        }
        try (InputStream in = url.openStream()) {
            return ModelCard.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded " + ModelCard.FILE + ": " + e.getMessage(), e);
        }
    }

    /** The classpath folder of the embedded model {@code name}. */
    public static String resourceFolder(String name) {
        return "dev/elasticcache/models/" + name + "/";
    }

    private static URL resource(String name, String file) {
        URL url = EmbeddedModel.class.getClassLoader().getResource(resourceFolder(checkName(name)) + file);
        if (url == null) {
            throw new CheckpointException("the embedded model file " + resourceFolder(name) + file + " is not on the classpath;"
                    + " add elastic-cache-core to the classpath or set a model folder explicitly");
        }
        return url;
    }
}
