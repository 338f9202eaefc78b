package dev.elasticcache.lab.realsize;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.CheckpointWriter;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes a BF16 checkpoint of any size without holding it: the headers come from the shapes alone, and each
 * tensor's random values are drawn, rounded to BF16 and written a chunk at a time (memory stays a few chunks).
 * Files are laid out as Hugging Face writes them: {@code model-0000i-of-0000K.safetensors} shards of about equal
 * size plus {@code model.safetensors.index.json}, or one {@code model.safetensors}. Values depend only on the
 * seed, the tensor's name and the chunk, so a rerun writes the same bytes.
 */
public final class StreamingCheckpointWriter {
    /** Elements drawn per chunk (16 MiB of BF16). */
    static final int CHUNK = 1 << 23;

    private StreamingCheckpointWriter() {}

    /** Writes {@code tensors} into {@code folder} as {@code shards} files (1: a single file, no index). */
    public static void write(Path folder, List<TensorPlan> tensors, int shards, long seed) {
        try {
            Files.createDirectories(folder);
            List<List<TensorPlan>> groups = split(tensors, shards);
            Map<String, String> weightMap = new HashMap<>();
            long total = 0;
            for (int s = 0; s < groups.size(); s++) {
                String file = groups.size() == 1 ? CheckpointReader.SINGLE_FILE : CheckpointWriter.shardFileName(s + 1, groups.size());
                total += writeFile(folder.resolve(file), groups.get(s), seed);
                for (TensorPlan t : groups.get(s)) {
                    weightMap.put(t.name(), file);
                }
            }
            if (groups.size() > 1) {
                CheckpointWriter.writeIndex(folder, weightMap, total);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": cannot write the checkpoint: " + e.getMessage(), e);
        }
    }

    /** Consecutive groups of about equal bytes, each non-empty. */
    static List<List<TensorPlan>> split(List<TensorPlan> tensors, int shards) {
        if (shards < 1 || shards > tensors.size()) {
            throw new IllegalArgumentException("shards must be between 1 and " + tensors.size() + ", got " + shards);
        }
        long total = tensors.stream().mapToLong(TensorPlan::numel).sum();
        List<List<TensorPlan>> groups = new ArrayList<>();
        List<TensorPlan> current = new ArrayList<>();
        long done = 0;
        for (int i = 0; i < tensors.size(); i++) {
            int left = tensors.size() - i;
            int groupsLeft = shards - groups.size() - 1;
            if (!current.isEmpty() && (left <= groupsLeft || groupsLeft > 0 && done * shards >= (groups.size() + 1) * total)) {
                groups.add(current);
                current = new ArrayList<>();
            }
            current.add(tensors.get(i));
            done += tensors.get(i).numel();
        }
        groups.add(current);
        return groups;
    }

    /** One safetensors file; returns its data bytes. */
    private static long writeFile(Path file, List<TensorPlan> tensors, long seed) throws IOException {
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (TensorPlan t : tensors) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", DType.BF16.safetensorsName());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            o.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + t.numel() * 2);
            o.add("data_offsets", offsets);
            header.add(t.name(), o);
            offset += t.numel() * 2;
        }
        ByteBuffer head = SafetensorsWriter.headerBytes(header);
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK * 2).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            for (TensorPlan t : tensors) {
                long n = t.numel();
                long tensorSeed = seed * 0x9E3779B97F4A7C15L + t.name().hashCode();
                for (long first = 0, c = 0; first < n; first += CHUNK, c++) {
                    int count = (int) Math.min(CHUNK, n - first);
                    fill(chunk, count, t, tensorSeed + c * 0x632BE59BD9B4E019L);
                    writeFully(ch, chunk);
                }
            }
        }
        return offset;
    }

    /** Draws {@code count} BF16 values into {@code chunk} (flipped, ready to write), on every core. */
    private static void fill(ByteBuffer chunk, int count, TensorPlan t, long seed) {
        chunk.clear().limit(count * 2);
        int parts = Runtime.getRuntime().availableProcessors();
        int step = (count + parts - 1) / parts;
        double halfWidth = Math.sqrt(3) * t.std();
        IntStream.range(0, parts).parallel().forEach(p -> {
            SplittableRandom random = new SplittableRandom(seed + p);
            int end = Math.min(count, (p + 1) * step);
            for (int i = p * step; i < end; i++) {
                float v = (float) (t.mean() + halfWidth * (2 * random.nextDouble() - 1));
                chunk.putShort(2 * i, DType.floatToBf16(v));
            }
        });
        chunk.position(0);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
