package dev.elasticcache.engine;

import dev.elasticcache.decode.Strategy;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.model.weights.WeightFootprint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a loaded model and its requests need in memory, from the model's shapes and where its weights are: the
 * engine refuses a request whose plan does not fit, and {@code elastic-cache info} prints it.
 *
 * <p>Per request, a step holds one layer's intermediates at a time (the forward frees them layer by layer); the
 * largest step is the first, over all {@code N = prompt + answer} rows: about {@code N (23 d + 5 mlp) 4 B} plus
 * the attention scores {@code 3 H N^2 4 B}, and the logits of the answer rows. The caches depend on the strategy:
 * Elastic-Cache keeps each layer's keys, values, queries and inputs ({@code layers N (2 Hkv hd + H hd + d) 4 B}),
 * Fast-dLLM's prefix and dual caches the keys and values ({@code layers N 2 Hkv hd 4 B}), the others nothing.
 *
 * @param weights where the language model's weights are (the widening scratch counts once per concurrent forward; a
 *     transient matrix, the head, is widened after the layers, when their intermediates are gone)
 * @param otherBytes other weights, in memory or mapped: a vision tower and projector
 * @param runtimeBytes the JVM, libtorch and tokenizer, measured at about 1 GiB
 * @param activationBytes the largest step's intermediates of one request
 * @param cacheBytes one request's caches
 * @param requests requests decoding at once
 * @param available memory of this machine or container
 */
public record MemoryPlan(WeightFootprint weights, long otherBytes, long runtimeBytes, long activationBytes, long cacheBytes,
        int requests, long available) {
    static final long RUNTIME_BYTES = 1L << 30;

    /** The plan of {@code requests} requests of {@code promptTokens + genLength} tokens decoded with {@code strategy}. */
    public static MemoryPlan of(DiffusionModel model, long otherBytes, int promptTokens, int genLength, Strategy strategy,
            int requests, long available) {
        long n = (long) promptTokens + genLength;
        long d = model.hiddenSize();
        long layerRows = n * (23 * d + 5L * model.mlpHiddenSize()) * 4;
        long scores = 3L * model.heads() * n * n * 4;
        long logits = (long) genLength * model.logitsWidth() * 4;
        long keysAndValues = 2L * model.kvHeads() * model.headDim();
        long perToken = 4 * switch (strategy) {
            case ELASTIC -> keysAndValues + (long) model.heads() * model.headDim() + d;
            case FAST_DLLM_PREFIX, FAST_DLLM_DUAL -> keysAndValues;
            case LLADA, FAST_DLLM -> 0;
        };
        return new MemoryPlan(model.weightFootprint(), otherBytes, RUNTIME_BYTES, layerRows + scores + logits,
                model.layers() * n * perToken, requests, available);
    }

    /** Everything: weights (mapped ones too: they must stay in the page cache), scratch, runtime and the requests. */
    public long total() {
        return weights.residentBytes() + weights.mappedBytes() + otherBytes + runtimeBytes
                + requests * requestBytes();
    }

    /** One request's share: its caches, its largest step's intermediates (or the transient head) and the scratch. */
    public long requestBytes() {
        return weights.scratchBytes() + cacheBytes + Math.max(activationBytes, weights.transientBytes());
    }

    /** What the machine leaves for requests once weights, other parts and the runtime are counted. */
    public long requestCapacity() {
        return Math.max(0, available - (weights.residentBytes() + weights.mappedBytes() + otherBytes + runtimeBytes));
    }

    public boolean fits() {
        return total() <= available;
    }

    /** The plan as labelled lines, for {@code info} and error messages. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("weights in memory   " + MemoryBudget.size(weights.residentBytes()) + " fp32"
                + (weights.mapped() ? " (norms and biases)" : ""));
        if (weights.mapped()) {
            out.add("weights mapped      " + MemoryBudget.size(weights.mappedBytes())
                    + " 16-bit, in the page cache, widened per matrix");
            out.add("widening scratch    " + MemoryBudget.size(weights.scratchBytes()) + " per concurrent forward"
                    + (weights.transientBytes() > 0 ? ", and " + MemoryBudget.size(weights.transientBytes())
                            + " for the head while it multiplies" : ""));
        }
        if (otherBytes > 0) {
            out.add("vision tower        " + MemoryBudget.size(otherBytes) + " (tower and projector, as the weights above)");
        }
        out.add("runtime             " + MemoryBudget.size(runtimeBytes) + " (JVM, libtorch, tokenizer)");
        out.add(String.format(Locale.ROOT, "per request         %s step activations + %s caches%s",
                MemoryBudget.size(activationBytes), MemoryBudget.size(cacheBytes), requests > 1 ? ", x " + requests : ""));
        out.add("total               " + MemoryBudget.size(total()) + " of " + MemoryBudget.size(available)
                + (fits() ? " available: fits" : " available: does NOT fit"));
        return out;
    }
}
