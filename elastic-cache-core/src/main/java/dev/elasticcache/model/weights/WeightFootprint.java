package dev.elasticcache.model.weights;

/**
 * Where a loaded model's weights are.
 *
 * @param residentBytes fp32 weights in native memory for the model's lifetime
 * @param mappedBytes 16-bit weights mapped from the checkpoint's files (held by the page cache, read per use)
 * @param scratchBytes the widening buffer each concurrent forward keeps for mapped weights (0 when nothing is mapped)
 * @param transientBytes the largest mapped matrix that does not fit the scratch (an output head), widened into an
 *     array of its own for the moment it multiplies (0 when there is none)
 */
public record WeightFootprint(long residentBytes, long mappedBytes, long scratchBytes, long transientBytes) {

    /** True when the weights stay 16-bit in their files. */
    public boolean mapped() {
        return mappedBytes > 0;
    }

    /** Adds up linears, embeddings and resident arrays of a model. */
    public static final class Tally {
        private long resident;
        private long mapped;
        private long largestInScratch;
        private long largestTransient;

        public Tally add(Linear l) {
            if (l != null) {
                resident += l.residentBytes();
                mapped += l.mappedBytes();
                long widened = l.mappedBytes() * 2;
                if (widened <= WeightLoader.DEFAULT_SCRATCH_BYTES) {
                    largestInScratch = Math.max(largestInScratch, widened);
                } else {
                    largestTransient = Math.max(largestTransient, widened);
                }
            }
            return this;
        }

        public Tally add(TokenEmbedding e) {
            resident += e.residentBytes();
            mapped += e.mappedBytes();
            return this;
        }

        /** fp32 arrays (norms, biases); null is skipped. */
        public Tally add(ai.djl.ndarray.NDArray a) {
            if (a != null) {
                resident += a.getShape().size() * 4;
            }
            return this;
        }

        /** The footprint; a mapped matrix widens to twice its mapped size. */
        public WeightFootprint footprint() {
            return new WeightFootprint(resident, mapped, largestInScratch, largestTransient);
        }
    }
}
