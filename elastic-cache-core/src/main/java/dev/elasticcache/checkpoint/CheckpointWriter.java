package dev.elasticcache.checkpoint;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes the weights of a model folder as Hugging Face does: a single {@code model.safetensors}, or K shards
 * named {@code model-00001-of-0000K.safetensors} plus {@code model.safetensors.index.json}
 * ({@code metadata.total_size} in bytes and a {@code weight_map}). Tensors keep the order they were
 * added and are split into K contiguous groups of about equal byte size; every shard gets at least one.
 */
public final class CheckpointWriter {

    private final DType dtype;
    private final List<SafetensorsWriter.Entry> tensors = new ArrayList<>();
    private final java.util.Set<String> names = new java.util.HashSet<>();

    /** A writer that stores every tensor as {@code dtype}. */
    public CheckpointWriter(DType dtype) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
    }

    /** Adds a tensor; see {@link SafetensorsWriter#add(String, long[], float[])}. */
    public CheckpointWriter add(String name, long[] shape, float[] data) {
        // validate eagerly with the same rules as the file writer
        new SafetensorsWriter(dtype).add(name, shape, data);
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        tensors.add(new SafetensorsWriter.Entry(name, shape.clone(), data));
        return this;
    }

    /** Writes a single {@code model.safetensors} into {@code folder} (created if needed). */
    public void writeSingle(Path folder) {
        write(folder, 1);
    }

    /**
     * Writes into {@code folder} (created if needed): one file when {@code shards == 1}, else {@code shards}
     * shard files and the index. Returns the written safetensors file names in order.
     */
    public List<String> write(Path folder, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        }
        if (shards > 1 && shards > tensors.size()) {
            throw new IllegalArgumentException("cannot split " + tensors.size() + " tensors into " + shards + " non-empty shards");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot create checkpoint folder: " + e.getMessage(), e);
        }
        if (shards == 1) {
            SafetensorsWriter w = new SafetensorsWriter(dtype);
            tensors.forEach(t -> w.add(t.name(), t.shape(), t.data()));
            w.write(folder.resolve(CheckpointReader.SINGLE_FILE));
            return List.of(CheckpointReader.SINGLE_FILE);
        }
        int[] assignment = assignShards(shards);
        List<String> fileNames = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        for (int s = 0; s < shards; s++) {
            String fileName = shardFileName(s + 1, shards);
            fileNames.add(fileName);
            SafetensorsWriter w = new SafetensorsWriter(dtype);
            for (int i = 0; i < tensors.size(); i++) {
                if (assignment[i] == s) {
                    SafetensorsWriter.Entry t = tensors.get(i);
                    w.add(t.name(), t.shape(), t.data());
                    weightMap.put(t.name(), fileName);
                }
            }
            w.write(folder.resolve(fileName));
            total += w.dataSize();
        }
        writeIndex(folder, weightMap, total);
        return fileNames;
    }

    /**
     * Writes {@code model.safetensors.index.json} into {@code folder}: {@code metadata.total_size} (data bytes of all
     * shards) and the {@code weight_map} from tensor name to shard file.
     */
    public static void writeIndex(Path folder, Map<String, String> weightMap, long totalSize) {
        JsonObject index = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("total_size", totalSize);
        index.add("metadata", meta);
        JsonObject wm = new JsonObject();
        new TreeMap<>(weightMap).forEach(wm::addProperty);
        index.add("weight_map", wm);
        try {
            Files.writeString(folder.resolve(CheckpointReader.INDEX_FILE),
                    new GsonBuilder().setPrettyPrinting().create().toJson(index) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot write " + CheckpointReader.INDEX_FILE + ": " + e.getMessage(), e);
        }
    }

    /** Hugging Face shard name, e.g. {@code model-00001-of-00003.safetensors}. */
    public static String shardFileName(int oneBasedIndex, int shards) {
        return String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", oneBasedIndex, shards);
    }

    private int[] assignShards(int shards) {
        long total = 0;
        for (SafetensorsWriter.Entry t : tensors) {
            total += (long) t.data().length * dtype.byteSize();
        }
        int n = tensors.size();
        int[] out = new int[n];
        int s = 0;
        int inShard = 0;
        long cumulative = 0;
        for (int i = 0; i < n; i++) {
            int shardsAfter = shards - 1 - s;
            boolean mustAdvance = inShard > 0 && n - i <= shardsAfter;
            boolean wantAdvance = inShard > 0 && shardsAfter > 0 && cumulative * shards >= (long) (s + 1) * total;
            if (mustAdvance || wantAdvance) {
                s++;
                inShard = 0;
            }
            out[i] = s;
            inShard++;
            cumulative += (long) tensors.get(i).data().length * dtype.byteSize();
        }
        return out;
    }
}
