package dev.elasticcache.decode;

/**
 * The decoders as they were before the per-step cost work (issue 16): the model's op-by-op forward blocks and,
 * for Elastic-Cache, the original per-layer loop (one host copy of the window scores per layer, index arrays and
 * NDIndex strings rebuilt per layer, scalar constants created per call, a wide layer's intermediates kept until
 * the generation ends). They decode exactly what {@link Decoder#of} decodes, token for token and decision for
 * decision, only slower: the "before" column of the step-cost benchmark ({@code StepCostMain} in the lab) and the
 * oracle of the equivalence tests. Not meant for serving.
 */
public final class ReferenceDecoders {
    private ReferenceDecoders() {}

    /** The pre-issue-16 implementation of {@code strategy}. */
    public static Decoder of(Strategy strategy) {
        return switch (strategy) {
            case LLADA -> new LladaDecoder(true);
            case FAST_DLLM -> new FastDllmDecoder(FastDllmDecoder.Cache.NONE, true);
            case FAST_DLLM_PREFIX -> new FastDllmDecoder(FastDllmDecoder.Cache.PREFIX, true);
            case FAST_DLLM_DUAL -> new FastDllmDecoder(FastDllmDecoder.Cache.DUAL, true);
            case ELASTIC -> new ElasticCacheDecoder(true);
        };
    }
}
