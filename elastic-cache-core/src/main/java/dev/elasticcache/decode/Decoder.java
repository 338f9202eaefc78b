package dev.elasticcache.decode;

/** One decoding strategy. Implementations are stateless; all per-run state lives in {@link DecodeRun}. */
public interface Decoder {

    /** Runs the strategy until no position it may decode is masked. */
    DecodeResult decode(DecodeRun run);

    /** The decoder implementing {@code strategy}. */
    static Decoder of(Strategy strategy) {
        return switch (strategy) {
            case LLADA -> new LladaDecoder();
            case FAST_DLLM -> new FastDllmDecoder(FastDllmDecoder.Cache.NONE);
            case FAST_DLLM_PREFIX -> new FastDllmDecoder(FastDllmDecoder.Cache.PREFIX);
            case FAST_DLLM_DUAL -> new FastDllmDecoder(FastDllmDecoder.Cache.DUAL);
            case ELASTIC -> new ElasticCacheDecoder();
        };
    }
}
