package dev.elasticcache.model.weights;

import dev.elasticcache.checkpoint.CheckpointException;
import dev.elasticcache.checkpoint.CheckpointReader;
import dev.elasticcache.checkpoint.DType;
import dev.elasticcache.checkpoint.TensorInfo;
import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decides how a checkpoint's weights are kept ({@link WeightDtype}) from its tensors and the memory of this
 * machine or container, and refuses a model that cannot fit before any weight is read.
 */
public final class MemoryBudget {
    private static final long GIB = 1L << 30;
    /** What an fp32 model must leave free for the JVM, libtorch and one request's activations. */
    static final long FP32_HEADROOM = 2 * GIB;

    private MemoryBudget() {}

    /**
     * Memory of this machine, or of its container when a cgroup limits it (the JDK reads cgroup v1 and v2
     * limits), in bytes.
     */
    public static long totalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** Bytes of the checkpoint's tensors by stored dtype. */
    public static Map<DType, Long> bytesByDtype(CheckpointReader reader) {
        Map<DType, Long> bytes = new EnumMap<>(DType.class);
        for (String name : reader.tensorNames()) {
            TensorInfo info = reader.info(name);
            bytes.merge(info.dtype(), info.byteSize(), Long::sum);
        }
        return bytes;
    }

    /** The dtype most of the checkpoint's bytes are stored in. */
    public static DType storedDtype(CheckpointReader reader) {
        return bytesByDtype(reader).entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(DType.F32);
    }

    /** Parameters of the checkpoint (every tensor's elements). */
    public static long parameters(CheckpointReader reader) {
        long n = 0;
        for (String name : reader.tensorNames()) {
            n += reader.info(name).numel();
        }
        return n;
    }

    /**
     * How the weights are held: {@code requested} resolved against the checkpoint and the memory available.
     *
     * @throws CheckpointException when a 16-bit dtype is asked of a checkpoint stored otherwise, or when the
     *     weights cannot fit in memory either way (with the numbers and the knob that helps)
     */
    public static WeightStorage storage(WeightDtype requested, CheckpointReader reader, long memory) {
        DType stored = storedDtype(reader);
        long parameters = parameters(reader);
        long fp32 = parameters * 4;
        boolean stored16 = stored == DType.BF16 || stored == DType.F16;
        if (requested == WeightDtype.FLOAT16_COMPUTE) {
            long needed = parameters * 2;
            if (needed > memory) {
                throw new CheckpointException(reader.folder() + ": the fp16 weights need " + size(needed) + " but this machine"
                        + " or container has " + size(memory) + "; use a device with more memory");
            }
            return WeightStorage.FP16_COMPUTE;
        }
        boolean keep = switch (requested) {
            case FLOAT32 -> false;
            case FLOAT16_COMPUTE -> throw new IllegalStateException("handled above");
            case BFLOAT16, FLOAT16 -> {
                DType wanted = requested == WeightDtype.BFLOAT16 ? DType.BF16 : DType.F16;
                if (stored != wanted) {
                    throw new CheckpointException(reader.folder() + ": dtype " + requested.spelling()
                            + " keeps the checkpoint's own 16-bit weights, but this checkpoint stores " + stored
                            + "; use dtype " + (stored == DType.BF16 ? "bfloat16" : stored == DType.F16 ? "float16" : "float32")
                            + " or auto");
                }
                yield true;
            }
            case AUTO -> stored16 && fp32 + FP32_HEADROOM > memory;
        };
        long needed = keep ? parameters * 2 : fp32 + FP32_HEADROOM;
        if (needed > memory) {
            throw new CheckpointException(reader.folder() + ": the weights need " + size(needed) + " ("
                    + (keep ? "16-bit, mapped" : "fp32 plus " + size(FP32_HEADROOM) + " of headroom") + ") but this "
                    + "machine or container has " + size(memory) + (keep || !stored16
                            ? "; use a machine with more memory"
                            : "; use dtype auto or " + (stored == DType.BF16 ? "bfloat16" : "float16")
                                    + " to keep the weights 16-bit (" + size(parameters * 2) + ")"));
        }
        return keep ? WeightStorage.MAPPED_16BIT : WeightStorage.FP32;
    }

    /** Bytes in the largest binary unit that keeps a whole part (KiB, MiB, GiB), one decimal. */
    public static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
