package dev.elasticcache.hub;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of a repository's files the engine reads, and whether a folder holds them all: {@code config.json}, the
 * generation and tokenizer configs, {@code tokenizer.json} (or Dream's {@code vocab.json} + {@code merges.txt}),
 * a chat template, the safetensors index and the shards it names (LLaDA-V's vision tower lives in the same
 * shards). PyTorch {@code .bin} weights, custom modelling code and READMEs are never fetched.
 */
final class ModelFiles {
    static final String CONFIG = "config.json";
    static final String INDEX = "model.safetensors.index.json";
    static final String SINGLE_SHARD = "model.safetensors";
    private static final String SAFETENSORS = ".safetensors";

    private ModelFiles() {}

    /**
     * The files worth fetching from a repository listing, {@code config.json} first and the weights last. With an
     * index, only {@code model.safetensors} and the index are listed among the weights: the shards come from the
     * index once it is read ({@link #shards}).
     */
    static List<String> select(List<String> listing) {
        List<String> small = new ArrayList<>();
        List<String> weights = new ArrayList<>();
        boolean indexed = listing.contains(INDEX);
        for (String f : listing) {
            if (f.contains("/")) {
                continue; // sub-folders hold other formats (onnx/, original/) or training state
            }
            if (f.endsWith(SAFETENSORS)) {
                if (!indexed) {
                    weights.add(f);
                }
            } else if (f.endsWith(".json") || f.equals("merges.txt") || f.endsWith(".jinja")) {
                small.add(f);
            }
        }
        if (!indexed && weights.contains(SINGLE_SHARD)) {
            weights = List.of(SINGLE_SHARD); // other .safetensors beside it are alternatives (consolidated, adapters)
        }
        small.remove(CONFIG);
        List<String> all = new ArrayList<>();
        if (listing.contains(CONFIG)) {
            all.add(CONFIG);
        }
        all.addAll(small);
        all.addAll(weights);
        return all;
    }

    /** Whether a repository listing has weights this engine reads. */
    static boolean hasSafetensors(List<String> listing) {
        return listing.contains(INDEX) || listing.stream().anyMatch(f -> !f.contains("/") && f.endsWith(SAFETENSORS));
    }

    /**
     * The shards an index names, by name (model-00001-of-00006 first).
     *
     * @throws HubException naming the file when it is not a safetensors index
     */
    static List<String> shards(Path index) {
        try {
            JsonObject root = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8)).getAsJsonObject();
            Set<String> shards = new TreeSet<>();
            for (var e : root.getAsJsonObject("weight_map").entrySet()) {
                String shard = e.getValue().getAsString();
                if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                    throw new IllegalStateException("shard '" + shard + "' is not a file name of the repository's top folder");
                }
                shards.add(shard);
            }
            return List.copyOf(shards);
        } catch (IOException | JsonParseException | IllegalStateException | NullPointerException | ClassCastException e) {
            throw new HubException("Unsupported", index + ": not a safetensors index (a weight_map of tensor -> shard file"
                    + " is expected): " + e.getMessage(), e);
        }
    }

    /** The files a model folder lacks before the engine can load it (empty when complete). */
    static List<String> missing(Path folder) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(folder.resolve(CONFIG))) {
            missing.add(CONFIG);
        }
        Path index = folder.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            try {
                for (String shard : shards(index)) {
                    if (!Files.isRegularFile(folder.resolve(shard))) {
                        missing.add(shard);
                    }
                }
            } catch (HubException e) {
                missing.add(INDEX);
            }
        } else if (!hasSafetensors(listFolder(folder))) {
            missing.add(SINGLE_SHARD + " or " + INDEX);
        }
        boolean bpeFiles = Files.isRegularFile(folder.resolve("vocab.json")) && Files.isRegularFile(folder.resolve("merges.txt"));
        if (!Files.isRegularFile(folder.resolve("tokenizer.json")) && !bpeFiles) {
            missing.add("tokenizer.json");
        }
        return missing;
    }

    private static List<String> listFolder(Path folder) {
        try (var s = Files.list(folder)) {
            // a link whose blob is gone is not a file
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
