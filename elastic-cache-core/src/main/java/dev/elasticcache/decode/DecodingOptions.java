package dev.elasticcache.decode;

/**
 * Every knob of every decoding strategy, immutable. Defaults follow the reference evaluation scripts
 * (window 16, threshold 0.9, gamma 0.9, one tracked token, block caching on, block length 32).
 *
 * @param strategy which decoder runs
 * @param genLength number of answer positions appended to the prompt as masks
 * @param blockLength semi-autoregressive block size of the {@code llada} and {@code fast-dllm*} strategies
 * @param steps total denoising steps of the {@code llada} strategy (and of fast-dllm without a threshold);
 *     0 means one token per step ({@code steps = genLength})
 * @param windowLength Elastic-Cache sliding window: the first W still-masked positions are queried
 * @param threshold confidence threshold for parallel unmasking; {@code null} selects top-k unmasking
 * @param tokensPerIter tokens unmasked per step on the Elastic-Cache top-k path
 * @param gamma drift threshold: a layer whose tracked-token attention similarity falls below it triggers a
 *     refresh of all deeper layers
 * @param trackNum most-attended tokens tracked per layer
 * @param blockCaching when true, masks beyond the window keep their cached K/V and are not queried
 * @param temperature Gumbel-max sampling temperature of the {@code llada} strategy; 0 is greedy
 * @param remasking how the {@code llada} strategy ranks candidates
 * @param seed random seed for sampling and random remasking
 * @param fullRefresh oracle switch: Elastic-Cache recomputes every layer for every row at every step
 */
public record DecodingOptions(
        Strategy strategy,
        int genLength,
        int blockLength,
        int steps,
        int windowLength,
        Double threshold,
        int tokensPerIter,
        double gamma,
        int trackNum,
        boolean blockCaching,
        double temperature,
        Remasking remasking,
        long seed,
        boolean fullRefresh) {

    public static final int DEFAULT_GEN_LENGTH = 128;

    public DecodingOptions {
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must not be null; allowed: " + Strategy.allowed());
        }
        if (remasking == null) {
            remasking = Remasking.LOW_CONFIDENCE;
        }
    }

    /**
     * The one rule from an answer budget ("max tokens", as Spring AI and LangChain4j say) to a generation length:
     * exact for {@code elastic}, rounded up to whole blocks for the block strategies (which decode block by block),
     * at most {@link Integer#MAX_VALUE} (a length past the model's is then refused with the model's limit named).
     * A budget below 1 is returned as it is, for validation to name.
     */
    public static int genLengthFor(int maxTokens, Strategy strategy, int blockLength) {
        if (strategy == Strategy.ELASTIC || maxTokens <= 0 || blockLength <= 0) {
            return maxTokens;
        }
        long rounded = ((long) maxTokens + blockLength - 1) / blockLength * blockLength;
        return (int) Math.min(Integer.MAX_VALUE, rounded);
    }

    /** The options with the generation length {@link #genLengthFor} makes of {@code maxTokens} under them. */
    public DecodingOptions withMaxTokens(int maxTokens) {
        return mutate().genLength(genLengthFor(maxTokens, strategy, blockLength)).build();
    }

    /** The defaults of the reference evaluation scripts, with the Elastic-Cache strategy. */
    public static DecodingOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these values. */
    public Builder mutate() {
        return new Builder()
                .strategy(strategy)
                .genLength(genLength)
                .blockLength(blockLength)
                .steps(steps)
                .windowLength(windowLength)
                .threshold(threshold)
                .tokensPerIter(tokensPerIter)
                .gamma(gamma)
                .trackNum(trackNum)
                .blockCaching(blockCaching)
                .temperature(temperature)
                .remasking(remasking)
                .seed(seed)
                .fullRefresh(fullRefresh);
    }

    /** Steps actually used by the schedule-driven strategies ({@code 0} resolves to one token per step). */
    public int resolvedSteps() {
        return steps == 0 ? genLength : steps;
    }

    /**
     * Checks every value against its allowed range.
     *
     * @throws IllegalArgumentException naming the option, the value and what is allowed
     */
    public DecodingOptions validate() {
        require(genLength > 0, "genLength must be > 0, got " + genLength);
        require(blockLength > 0, "blockLength must be > 0, got " + blockLength);
        require(steps >= 0, "steps must be >= 0 (0 = one token per step), got " + steps);
        require(windowLength >= 1, "windowLength must be >= 1, got " + windowLength);
        require(threshold == null || (threshold > 0 && threshold <= 1),
                "threshold must be in (0, 1] (or unset for top-k unmasking), got " + threshold);
        require(tokensPerIter >= 1, "tokensPerIter must be >= 1, got " + tokensPerIter);
        require(gamma > 0 && gamma <= 1, "gamma must be in (0, 1], got " + gamma);
        require(trackNum >= 1, "trackNum must be >= 1, got " + trackNum);
        require(temperature >= 0 && Double.isFinite(temperature), "temperature must be >= 0, got " + temperature);
        if (strategy != Strategy.ELASTIC) {
            require(genLength % blockLength == 0,
                    "genLength (" + genLength + ") must be a multiple of blockLength (" + blockLength
                            + ") for strategy " + strategy);
            int blocks = genLength / blockLength;
            boolean scheduled = strategy == Strategy.LLADA || threshold == null;
            require(!scheduled || resolvedSteps() % blocks == 0,
                    "steps (" + resolvedSteps() + ") must be a multiple of the number of blocks (" + blocks
                            + " = genLength/blockLength) for strategy " + strategy);
        }
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builder with the reference defaults. */
    public static final class Builder {
        private Strategy strategy = Strategy.ELASTIC;
        private int genLength = DEFAULT_GEN_LENGTH;
        private int blockLength = 32;
        private int steps = 0;
        private int windowLength = 16;
        private Double threshold = 0.9;
        private int tokensPerIter = 1;
        private double gamma = 0.9;
        private int trackNum = 1;
        private boolean blockCaching = true;
        private double temperature = 0.0;
        private Remasking remasking = Remasking.LOW_CONFIDENCE;
        private long seed = 0;
        private boolean fullRefresh = false;

        public Builder strategy(Strategy v) { strategy = v; return this; }
        public Builder strategy(String v) { strategy = Strategy.parse(v); return this; }
        public Builder genLength(int v) { genLength = v; return this; }
        public Builder blockLength(int v) { blockLength = v; return this; }
        public Builder steps(int v) { steps = v; return this; }
        public Builder windowLength(int v) { windowLength = v; return this; }
        public Builder threshold(Double v) { threshold = v; return this; }
        public Builder tokensPerIter(int v) { tokensPerIter = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder trackNum(int v) { trackNum = v; return this; }
        public Builder blockCaching(boolean v) { blockCaching = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        public Builder remasking(Remasking v) { remasking = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder fullRefresh(boolean v) { fullRefresh = v; return this; }

        public DecodingOptions build() {
            return new DecodingOptions(strategy, genLength, blockLength, steps, windowLength, threshold,
                    tokensPerIter, gamma, trackNum, blockCaching, temperature, remasking, seed, fullRefresh);
        }
    }
}
