package dev.elasticcache.model;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op threads for the decoders' small layers.
 *
 * <p>Splitting a small matrix over OpenMP threads saves a fraction of a millisecond at best, but on a busy host
 * every parallel op waits at a barrier for a thread the OS has not scheduled yet, up to a time slice of several
 * milliseconds. Measured on the 2-core development host with other builds running (random d256/L6 model, 304
 * positions): 250-500 ms per Elastic-Cache step on two threads against 10-30 ms on one; with lighter load the
 * median steps are about equal but two threads still have a long tail of slow steps; on an idle host two
 * threads make 20-row matmuls 1.1-1.6x faster. So a layer whose matmuls do fewer than {@link #smallLayerFlops()}
 * FLOPs (by default the few-row passes of cached steps of models up to d_model ~768) runs on one intra-op
 * thread, and every other layer (full forwards, Elastic-Cache's reset layers, any pass of a large model: a
 * 20-row pass of LLaDA-8B does ~9 GFLOP per layer) on the thread's configured count
 * ({@code ai.djl.pytorch.num_threads}, else libtorch's default). On a shared or oversubscribed host, set
 * {@code -Dai.djl.pytorch.num_threads=1} as the tests do: there one thread wins for large layers too.
 *
 * <p>The count is a property of the calling thread in libtorch (OpenMP and MKL keep it per thread);
 * {@link Layers#close} restores it. A thread that first touches libtorch while a small layer runs starts from
 * one thread: libtorch seeds new threads from the last value set. The threshold comes from system property
 * {@value #SMALL_LAYER_FLOPS_PROPERTY} (default {@value #DEFAULT_SMALL_LAYER_FLOPS}); 0 leaves every layer on
 * the configured count. The decoders' equivalence tests run on one thread; on other counts a libtorch kernel may
 * split a reduction differently, so bitwise equality across thread counts is not promised.
 */
public final class IntraOpThreads {
    /** System property: layers below this many matmul FLOPs run on one intra-op thread (0 disables). */
    public static final String SMALL_LAYER_FLOPS_PROPERTY = "elasticcache.singleThreadLayerFlops";
    /** 256 MFLOP: about 3 ms of matmuls on one core of the development host, in ops well under a millisecond. */
    public static final double DEFAULT_SMALL_LAYER_FLOPS = 256e6;

    private static volatile double smallLayerFlops = readThreshold();

    private IntraOpThreads() {}

    private static double readThreshold() {
        String value = System.getProperty(SMALL_LAYER_FLOPS_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_SMALL_LAYER_FLOPS;
        }
        try {
            return Math.max(0, Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SMALL_LAYER_FLOPS_PROPERTY + " must be a number of FLOPs, got '" + value + "'", e);
        }
    }

    /** The layer size (matmul FLOPs) below which decoders use one intra-op thread; 0 when the rule is off. */
    public static double smallLayerFlops() {
        return smallLayerFlops;
    }

    /** Changes {@link #smallLayerFlops()} for the whole process (benchmarks; 0 turns the rule off). */
    public static void setSmallLayerFlops(double flops) {
        smallLayerFlops = Math.max(0, flops);
    }

    /**
     * The intra-op threads a decoding thread should run on: {@code ai.djl.pytorch.num_threads} when set, else
     * libtorch's count on the calling thread. A thread libtorch has not seen reports the process's count from
     * {@link #get()} but may multiply on another (measured: a fresh Java thread's GEMMs gave other bits than the
     * main thread's at {@code num_threads=1} until it called {@link #set} itself), so decoding threads set it first.
     */
    public static int configured() {
        String value = System.getProperty("ai.djl.pytorch.num_threads");
        if (value != null) {
            try {
                int threads = Integer.parseInt(value.trim());
                if (threads > 0) {
                    return threads;
                }
            } catch (NumberFormatException e) {
                // DJL rejects it at engine start; fall back to libtorch's own count.
            }
        }
        return get();
    }

    /** libtorch's intra-op thread count on the calling thread. */
    public static int get() {
        return JniUtils.getNumThreads();
    }

    /** Sets libtorch's intra-op thread count on the calling thread (and the seed of threads started later). */
    public static void set(int threads) {
        JniUtils.setNumThreads(threads);
    }

    /** The per-layer switch of one decode on the calling thread; a no-op off PyTorch or with one thread. */
    public static Layers layers(DiffusionModel model) {
        boolean pytorch = "PyTorch".equals(model.manager().getEngine().getEngineName());
        return new Layers(model, pytorch ? get() : 1, smallLayerFlops);
    }

    /** A switch that never changes the thread count (the reference decoders). */
    public static Layers unchanged(DiffusionModel model) {
        return new Layers(model, 1, 0);
    }

    /** Chooses the thread count layer by layer; {@link #close} restores the configured count. */
    public static final class Layers implements AutoCloseable {
        private final DiffusionModel config;
        private final int configured;
        private final double threshold;
        private int current;

        Layers(DiffusionModel config, int configured, double threshold) {
            this.config = config;
            this.configured = configured;
            this.threshold = configured > 1 ? threshold : 0;
            this.current = configured;
        }

        /** Matmul FLOPs of one layer computing {@code rows} rows that attend over {@code keys} keys. */
        public double layerFlops(long rows, int keys) {
            long d = config.hiddenSize();
            long hd = config.headDim();
            long qkv = (long) (config.heads() + 2 * config.kvHeads()) * hd;
            long mlp = config.mlpHiddenSize();
            double perRow = 2.0 * d * qkv + 2.0 * config.heads() * hd * d + 6.0 * d * mlp + 4.0 * config.heads() * hd * keys;
            return rows * perRow;
        }

        /** Before a layer of {@code rows} rows over {@code keys} keys. */
        public void layer(long rows, int keys) {
            work(threshold > 0 ? layerFlops(rows, keys) : 0);
        }

        /** Before the output head over {@code rows} rows. */
        public void head(long rows) {
            work(threshold > 0 ? 2.0 * rows * config.hiddenSize() * config.logitsWidth() : 0);
        }

        private void work(double flops) {
            if (threshold <= 0) {
                return;
            }
            int wanted = flops < threshold ? 1 : configured;
            if (wanted != current) {
                set(wanted);
                current = wanted;
            }
        }

        @Override
        public void close() {
            if (current != configured) {
                set(configured);
                current = configured;
            }
        }
    }
}
