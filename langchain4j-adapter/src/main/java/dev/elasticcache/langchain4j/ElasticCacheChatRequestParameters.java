package dev.elasticcache.langchain4j;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.Strategy;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.Objects;

/**
 * Chat request parameters with every Elastic-Cache decoding knob on top of LangChain4j's common ones.
 *
 * <p>Common parameters: {@code temperature} is the sampling temperature (0 = greedy), {@code maxOutputTokens} is
 * the number of answer positions the diffusion decoder appends ({@code genLength}; for the block strategies
 * {@code llada} and {@code fast-dllm*} it is rounded up to a multiple of {@code blockLength}), and
 * {@code stopSequences} end the answer early. {@code modelName} must name the loaded model, if set.
 *
 * <p>Every field is optional: {@code null} means "inherit" (from the model's default request parameters, then
 * from the engine's default {@link DecodingOptions}). Merging follows LangChain4j's rules: the base
 * {@code chat(...)} computes {@code model.defaultRequestParameters().overrideWith(request.parameters())}, which
 * keeps these extra knobs whether the request carries a plain {@link DefaultChatRequestParameters} or an
 * instance of this class.
 *
 * <p>Unmasking mode: by default tokens whose confidence exceeds {@link #threshold()} are unmasked in parallel;
 * {@code topKUnmasking(true)} switches to unmasking {@link #tokensPerIter()} tokens per step instead. When an
 * overriding parameter set brings a {@code threshold} but says nothing about {@code topKUnmasking}, threshold
 * mode is selected again.
 */
public class ElasticCacheChatRequestParameters extends DefaultChatRequestParameters {

    /** No values set: everything is inherited. */
    public static final ElasticCacheChatRequestParameters EMPTY = builder().build();

    private final Strategy strategy;
    private final Integer blockLength;
    private final Integer steps;
    private final Integer windowLength;
    private final Double threshold;
    private final Boolean topKUnmasking;
    private final Integer tokensPerIter;
    private final Double gamma;
    private final Integer trackNum;
    private final Boolean blockCaching;
    private final Remasking remasking;
    private final Long seed;

    protected ElasticCacheChatRequestParameters(Builder builder) {
        super(builder);
        this.strategy = builder.strategy;
        this.blockLength = builder.blockLength;
        this.steps = builder.steps;
        this.windowLength = builder.windowLength;
        this.threshold = builder.threshold;
        this.topKUnmasking = builder.topKUnmasking;
        this.tokensPerIter = builder.tokensPerIter;
        this.gamma = builder.gamma;
        this.trackNum = builder.trackNum;
        this.blockCaching = builder.blockCaching;
        this.remasking = builder.remasking;
        this.seed = builder.seed;
    }

    /** Parameters that spell out {@code options} (its {@code genLength} as {@code maxOutputTokens}). */
    public static ElasticCacheChatRequestParameters from(DecodingOptions options) {
        return builder()
                .temperature(options.temperature())
                .maxOutputTokens(options.genLength())
                .strategy(options.strategy())
                .blockLength(options.blockLength())
                .steps(options.steps())
                .windowLength(options.windowLength())
                .threshold(options.threshold())
                .topKUnmasking(options.threshold() == null)
                .tokensPerIter(options.tokensPerIter())
                .gamma(options.gamma())
                .trackNum(options.trackNum())
                .blockCaching(options.blockCaching())
                .remasking(options.remasking())
                .seed(options.seed())
                .build();
    }

    /** Decoding strategy ({@code elastic}, {@code fast-dllm-dual}, ...). */
    public Strategy strategy() {
        return strategy;
    }

    /** Semi-autoregressive block size of the {@code llada} and {@code fast-dllm*} strategies. */
    public Integer blockLength() {
        return blockLength;
    }

    /** Denoising steps of the schedule-driven strategies; 0 = one token per step. */
    public Integer steps() {
        return steps;
    }

    /** Elastic-Cache sliding window: how many of the first still-masked positions are queried per step. */
    public Integer windowLength() {
        return windowLength;
    }

    /** Confidence threshold for parallel unmasking, in (0, 1]. */
    public Double threshold() {
        return threshold;
    }

    /** {@code true}: unmask {@link #tokensPerIter()} tokens per step instead of using the threshold. */
    public Boolean topKUnmasking() {
        return topKUnmasking;
    }

    /** Tokens unmasked per step on the top-k path. */
    public Integer tokensPerIter() {
        return tokensPerIter;
    }

    /** Elastic-Cache drift threshold in (0, 1]: lower refreshes the cache less often. */
    public Double gamma() {
        return gamma;
    }

    /** Most-attended tokens tracked per layer by the drift test. */
    public Integer trackNum() {
        return trackNum;
    }

    /** Whether masks beyond the window keep their cached K/V. */
    public Boolean blockCaching() {
        return blockCaching;
    }

    /** How the {@code llada} strategy ranks candidates. */
    public Remasking remasking() {
        return remasking;
    }

    /** Random seed for sampling (temperature &gt; 0) and random remasking. */
    public Long seed() {
        return seed;
    }

    @Override
    public ElasticCacheChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public ElasticCacheChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass() || !super.equals(o)) {
            return false;
        }
        ElasticCacheChatRequestParameters that = (ElasticCacheChatRequestParameters) o;
        return strategy == that.strategy
                && Objects.equals(blockLength, that.blockLength)
                && Objects.equals(steps, that.steps)
                && Objects.equals(windowLength, that.windowLength)
                && Objects.equals(threshold, that.threshold)
                && Objects.equals(topKUnmasking, that.topKUnmasking)
                && Objects.equals(tokensPerIter, that.tokensPerIter)
                && Objects.equals(gamma, that.gamma)
                && Objects.equals(trackNum, that.trackNum)
                && Objects.equals(blockCaching, that.blockCaching)
                && remasking == that.remasking
                && Objects.equals(seed, that.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), strategy, blockLength, steps, windowLength, threshold, topKUnmasking,
                tokensPerIter, gamma, trackNum, blockCaching, remasking, seed);
    }

    @Override
    public String toString() {
        return "ElasticCacheChatRequestParameters{"
                + "modelName=" + modelName()
                + ", temperature=" + temperature()
                + ", topP=" + topP()
                + ", topK=" + topK()
                + ", frequencyPenalty=" + frequencyPenalty()
                + ", presencePenalty=" + presencePenalty()
                + ", maxOutputTokens=" + maxOutputTokens()
                + ", stopSequences=" + stopSequences()
                + ", toolSpecifications=" + toolSpecifications()
                + ", toolChoice=" + toolChoice()
                + ", responseFormat=" + responseFormat()
                + ", strategy=" + strategy
                + ", blockLength=" + blockLength
                + ", steps=" + steps
                + ", windowLength=" + windowLength
                + ", threshold=" + threshold
                + ", topKUnmasking=" + topKUnmasking
                + ", tokensPerIter=" + tokensPerIter
                + ", gamma=" + gamma
                + ", trackNum=" + trackNum
                + ", blockCaching=" + blockCaching
                + ", remasking=" + remasking
                + ", seed=" + seed
                + '}';
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; unset values are inherited when merged. */
    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Strategy strategy;
        private Integer blockLength;
        private Integer steps;
        private Integer windowLength;
        private Double threshold;
        private Boolean topKUnmasking;
        private Integer tokensPerIter;
        private Double gamma;
        private Integer trackNum;
        private Boolean blockCaching;
        private Remasking remasking;
        private Long seed;

        /**
         * Takes every value that {@code parameters} sets (common ones, and the Elastic-Cache ones when it is an
         * {@link ElasticCacheChatRequestParameters}); values it leaves unset keep what this builder has.
         */
        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            if (parameters == null) {
                return this;
            }
            super.overrideWith(parameters);
            if (parameters instanceof ElasticCacheChatRequestParameters p) {
                strategy(or(p.strategy, strategy));
                blockLength(or(p.blockLength, blockLength));
                steps(or(p.steps, steps));
                windowLength(or(p.windowLength, windowLength));
                threshold(or(p.threshold, threshold));
                if (p.topKUnmasking != null) {
                    topKUnmasking(p.topKUnmasking);
                } else if (p.threshold != null) {
                    topKUnmasking(null); // a threshold given on its own selects threshold mode again
                }
                tokensPerIter(or(p.tokensPerIter, tokensPerIter));
                gamma(or(p.gamma, gamma));
                trackNum(or(p.trackNum, trackNum));
                blockCaching(or(p.blockCaching, blockCaching));
                remasking(or(p.remasking, remasking));
                seed(or(p.seed, seed));
            }
            return this;
        }

        public Builder strategy(Strategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /** Strategy by name: {@code llada}, {@code fast-dllm}, {@code fast-dllm-prefix}, {@code fast-dllm-dual}, {@code elastic}. */
        public Builder strategy(String strategy) {
            this.strategy = strategy == null ? null : Strategy.parse(strategy);
            return this;
        }

        public Builder blockLength(Integer blockLength) {
            this.blockLength = blockLength;
            return this;
        }

        public Builder steps(Integer steps) {
            this.steps = steps;
            return this;
        }

        public Builder windowLength(Integer windowLength) {
            this.windowLength = windowLength;
            return this;
        }

        public Builder threshold(Double threshold) {
            this.threshold = threshold;
            return this;
        }

        public Builder topKUnmasking(Boolean topKUnmasking) {
            this.topKUnmasking = topKUnmasking;
            return this;
        }

        public Builder tokensPerIter(Integer tokensPerIter) {
            this.tokensPerIter = tokensPerIter;
            return this;
        }

        public Builder gamma(Double gamma) {
            this.gamma = gamma;
            return this;
        }

        public Builder trackNum(Integer trackNum) {
            this.trackNum = trackNum;
            return this;
        }

        public Builder blockCaching(Boolean blockCaching) {
            this.blockCaching = blockCaching;
            return this;
        }

        public Builder remasking(Remasking remasking) {
            this.remasking = remasking;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        private static <T> T or(T value, T fallback) {
            return value != null ? value : fallback;
        }

        @Override
        public ElasticCacheChatRequestParameters build() {
            return new ElasticCacheChatRequestParameters(this);
        }
    }
}
