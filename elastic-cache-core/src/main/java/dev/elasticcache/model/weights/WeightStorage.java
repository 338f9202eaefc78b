package dev.elasticcache.model.weights;

/** How a loaded model holds its matrices: what a {@link WeightDtype} resolves to for one checkpoint and machine. */
public enum WeightStorage {
    /** fp32 arrays in native memory; products in fp32. */
    FP32,
    /** the checkpoint's 16-bit matrices mapped from its files, widened to fp32 per product. */
    MAPPED_16BIT,
    /** fp16 arrays on the device; products computed in fp16 (a GPU's fast path), everything else in fp32. */
    FP16_COMPUTE
}
