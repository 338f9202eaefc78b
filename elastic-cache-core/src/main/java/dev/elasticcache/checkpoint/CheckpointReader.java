package dev.elasticcache.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the tensors of a Hugging Face model folder: either a single {@value #SINGLE_FILE} or shards listed
 * in {@value #INDEX_FILE} ({@code weight_map}: tensor name to shard file). All shards are opened and
 * validated up front; tensor data is memory-mapped on demand.
 */
public final class CheckpointReader implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path folder;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<SafetensorsFile> files;

    private CheckpointReader(Path folder, Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
        this.folder = folder;
        this.byTensor = byTensor;
        this.files = files;
    }

    /** Opens a model folder (sharded when {@value #INDEX_FILE} exists, else {@value #SINGLE_FILE}). */
    public static CheckpointReader open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException(folder + ": checkpoint folder does not exist or is not a directory; "
                    + "pass the folder that holds config.json and the .safetensors files");
        }
        Path index = folder.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(folder, index);
        }
        Path single = folder.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> map = new TreeMap<>();
            for (String name : f.tensors().keySet()) {
                map.put(name, f);
            }
            return new CheckpointReader(folder, Collections.unmodifiableMap(map), List.of(f));
        }
        throw new CheckpointException(folder + ": no weights found: expected " + SINGLE_FILE + " or " + INDEX_FILE
                + " with its shards in this folder; download the model's safetensors files (.bin/.pt checkpoints are not supported)");
    }

    private static CheckpointReader openSharded(Path folder, Path index) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new TreeMap<>();
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                SafetensorsFile shard = opened.get(shardName);
                if (shard == null) {
                    Path shardPath = folder.resolve(shardName).normalize();
                    if (!shardPath.startsWith(folder.normalize())) {
                        throw new CheckpointException(index + ": shard file '" + shardName + "' points outside the folder");
                    }
                    if (!Files.isRegularFile(shardPath)) {
                        throw new CheckpointException(index + ": weight_map lists shard '" + shardName + "' (for tensor '" + e.getKey()
                                + "') but " + shardPath + " does not exist; download all shards of the checkpoint");
                    }
                    shard = SafetensorsFile.open(shardPath);
                    opened.put(shardName, shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new CheckpointException(index + ": weight_map says tensor '" + e.getKey() + "' is in "
                            + shard.path() + " but that shard has no such tensor; the index and the shards do not match, re-download them");
                }
                byTensor.put(e.getKey(), shard);
            }
        } catch (RuntimeException ex) {
            opened.values().forEach(SafetensorsFile::close);
            throw ex;
        }
        return new CheckpointReader(folder, Collections.unmodifiableMap(byTensor), List.copyOf(opened.values()));
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(index + ": cannot read sharded checkpoint index: " + e, e);
        } catch (JsonParseException e) {
            throw new CheckpointException(index + ": sharded checkpoint index is not valid JSON (" + e.getMessage() + "); re-download it", e);
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("weight_map") || !root.getAsJsonObject().get("weight_map").isJsonObject()) {
            throw new CheckpointException(index + ": sharded checkpoint index has no 'weight_map' object; re-download it");
        }
        JsonObject wm = root.getAsJsonObject().getAsJsonObject("weight_map");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : wm.entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                throw new CheckpointException(index + ": weight_map entry for '" + e.getKey() + "' is not a file name; re-download the index");
            }
            out.put(e.getKey(), e.getValue().getAsString());
        }
        if (out.isEmpty()) {
            throw new CheckpointException(index + ": weight_map is empty; re-download the index");
        }
        return out;
    }

    /** The model folder. */
    public Path folder() {
        return folder;
    }

    /** True when the checkpoint is split across shards listed in an index file. */
    public boolean isSharded() {
        return Files.isRegularFile(folder.resolve(INDEX_FILE));
    }

    /** Names of all tensors, sorted. */
    public Set<String> tensorNames() {
        return byTensor.keySet();
    }

    /** True when the checkpoint has this tensor. */
    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    /** Header entry of a tensor; throws naming the tensor and the folder when absent. */
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /** The file that holds a tensor; throws naming the tensor and the folder when absent. */
    public Path fileOf(String name) {
        return file(name).path();
    }

    /** The opened files (one, or one per shard). */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** See {@link SafetensorsFile#readFloats(String)}. */
    public float[] readFloats(String name) {
        return file(name).readFloats(name);
    }

    /** See {@link SafetensorsFile#readFloats(String, long, int)}. */
    public float[] readFloats(String name, long firstElement, int count) {
        return file(name).readFloats(name, firstElement, count);
    }

    /** See {@link SafetensorsFile#readInto(String, FloatBuffer)}. */
    public void readInto(String name, FloatBuffer dst) {
        file(name).readInto(name, dst);
    }

    /** See {@link SafetensorsFile#readInto(String, long, long, FloatBuffer)}. */
    public void readInto(String name, long firstElement, long count, FloatBuffer dst) {
        file(name).readInto(name, firstElement, count, dst);
    }

    /** See {@link SafetensorsFile#readAsF32Direct(String)}. */
    public ByteBuffer readAsF32Direct(String name) {
        return file(name).readAsF32Direct(name);
    }

    /** See {@link SafetensorsFile#readAsF32Direct(String, long, int)}. */
    public ByteBuffer readAsF32Direct(String name, long firstElement, int count) {
        return file(name).readAsF32Direct(name, firstElement, count);
    }

    /** See {@link SafetensorsFile#map(String)}. */
    public ByteBuffer map(String name) {
        return file(name).map(name);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = byTensor.get(name);
        if (f == null) {
            throw new CheckpointException(folder + ": checkpoint has no tensor named '" + name + "' (it has "
                    + byTensor.size() + " tensors" + sample() + "); the checkpoint is incomplete or not a LLaDA checkpoint");
        }
        return f;
    }

    private String sample() {
        List<String> names = new ArrayList<>();
        for (String n : byTensor.keySet()) {
            if (names.size() == 3) {
                names.add("...");
                break;
            }
            names.add(n);
        }
        return names.isEmpty() ? "" : ", e.g. " + String.join(", ", names);
    }

    @Override
    public void close() {
        for (SafetensorsFile f : files) {
            f.close();
        }
    }

    @Override
    public String toString() {
        return "CheckpointReader[" + folder + ", " + byTensor.size() + " tensors in " + files.size() + " file(s)]";
    }
}
