package dev.elasticcache.spring.ai;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.structured.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptionsBuilder;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Immutable chat options of the Elastic-Cache engine: the portable Spring AI options it honours plus every
 * decoding knob. A {@code null} value means "inherit" (from the model's defaults, then the engine's).
 *
 * <ul>
 * <li>{@code maxTokens} is the generation length: the number of masked answer positions the diffusion
 * decoder fills. Block strategies need a multiple of {@code blockLength}, so it is rounded up to one.</li>
 * <li>{@code temperature} is the Gumbel sampling temperature of the {@code llada} strategy (0 = greedy); the
 * parallel strategies decode greedily by confidence.</li>
 * <li>{@code threshold} {@code 0} selects top-k unmasking ({@code tokensPerIter} per step) instead of the
 * confidence threshold.</li>
 * <li>{@code topK}, {@code topP}, {@code frequencyPenalty} and {@code presencePenalty} are carried for
 * portability but have no counterpart in masked-diffusion decoding and do not change the output.</li>
 * <li>Tool callbacks (from {@code ChatClient...tools(..)}) are offered to the model, which answers with tool calls
 * that Spring AI's {@code ToolCallingAdvisor} executes; {@code toolChoice} says whether it may
 * ({@code auto}), must ({@code required}) or must not ({@code none}) call one.</li>
 * <li>{@code outputSchema} (set by {@code entity(..)} with native structured output) is decoded by infilling:
 * the schema's text is fixed in the answer and only the values are decoded, so the JSON is valid by
 * construction.</li>
 * </ul>
 */
public final class ElasticCacheChatOptions implements ToolCallingChatOptions, StructuredOutputChatOptions {

    private final @Nullable String model;
    private final @Nullable Integer maxTokens;
    private final @Nullable Double temperature;
    private final @Nullable List<String> stopSequences;
    private final @Nullable Double topP;
    private final @Nullable Integer topK;
    private final @Nullable Double frequencyPenalty;
    private final @Nullable Double presencePenalty;
    private final @Nullable Strategy strategy;
    private final @Nullable Integer blockLength;
    private final @Nullable Integer steps;
    private final @Nullable Integer windowLength;
    private final @Nullable Double threshold;
    private final @Nullable Integer tokensPerIter;
    private final @Nullable Double gamma;
    private final @Nullable Integer trackNum;
    private final @Nullable Boolean blockCaching;
    private final @Nullable Remasking remasking;
    private final @Nullable Long seed;
    private final List<ToolCallback> toolCallbacks;
    private final Map<String, Object> toolContext;
    private final @Nullable String outputSchema;
    private final @Nullable ToolChoice toolChoice;

    private ElasticCacheChatOptions(Builder b) {
        ToolCallingChatOptions portable = b.portable();
        this.toolCallbacks = portable.getToolCallbacks() == null ? List.of() : List.copyOf(portable.getToolCallbacks());
        this.toolContext = java.util.Collections.unmodifiableMap(
                new LinkedHashMap<>(portable.getToolContext() == null ? Map.of() : portable.getToolContext()));
        this.outputSchema = b.outputSchema;
        this.toolChoice = b.toolChoice;
        this.model = portable.getModel();
        this.maxTokens = portable.getMaxTokens();
        this.temperature = portable.getTemperature();
        this.stopSequences = portable.getStopSequences();
        this.topP = portable.getTopP();
        this.topK = portable.getTopK();
        this.frequencyPenalty = portable.getFrequencyPenalty();
        this.presencePenalty = portable.getPresencePenalty();
        this.strategy = b.strategy;
        this.blockLength = b.blockLength;
        this.steps = b.steps;
        this.windowLength = b.windowLength;
        this.threshold = b.threshold;
        this.tokensPerIter = b.tokensPerIter;
        this.gamma = b.gamma;
        this.trackNum = b.trackNum;
        this.blockCaching = b.blockCaching;
        this.remasking = b.remasking;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options holding every value of {@code options} ({@code genLength} becomes {@code maxTokens}). */
    public static Builder from(DecodingOptions options) {
        return builder().strategy(options.strategy()).maxTokens(options.genLength())
                .blockLength(options.blockLength()).steps(options.steps()).windowLength(options.windowLength())
                .threshold(options.threshold() == null ? 0.0 : options.threshold())
                .tokensPerIter(options.tokensPerIter()).gamma(options.gamma()).trackNum(options.trackNum())
                .blockCaching(options.blockCaching()).temperature(options.temperature())
                .remasking(options.remasking()).seed(options.seed());
    }

    /**
     * Applies the non-null values of these options on top of {@code base}. {@code maxTokens} becomes
     * {@code genLength}, rounded up to a multiple of {@code blockLength} for the block strategies.
     * The result is not validated here; the engine validates every request.
     */
    public DecodingOptions applyTo(DecodingOptions base) {
        DecodingOptions.Builder b = base.mutate();
        if (strategy != null) b.strategy(strategy);
        if (blockLength != null) b.blockLength(blockLength);
        if (steps != null) b.steps(steps);
        if (windowLength != null) b.windowLength(windowLength);
        if (threshold != null) b.threshold(threshold == 0.0 ? null : threshold);
        if (tokensPerIter != null) b.tokensPerIter(tokensPerIter);
        if (gamma != null) b.gamma(gamma);
        if (trackNum != null) b.trackNum(trackNum);
        if (blockCaching != null) b.blockCaching(blockCaching);
        if (temperature != null) b.temperature(temperature);
        if (remasking != null) b.remasking(remasking);
        if (seed != null) b.seed(seed);
        DecodingOptions merged = b.build();
        if (maxTokens == null) {
            return merged;
        }
        return merged.withMaxTokens(maxTokens);
    }

    @Override
    public Builder mutate() {
        Builder b = builder().model(model).maxTokens(maxTokens).temperature(temperature).stopSequences(stopSequences)
                .topP(topP).topK(topK).frequencyPenalty(frequencyPenalty).presencePenalty(presencePenalty);
        return b.strategy(strategy).blockLength(blockLength).steps(steps).windowLength(windowLength)
                .threshold(threshold).tokensPerIter(tokensPerIter).gamma(gamma).trackNum(trackNum)
                .blockCaching(blockCaching).remasking(remasking).seed(seed).toolCallbacks(toolCallbacks)
                .toolContext(toolContext).outputSchema(outputSchema).toolChoice(toolChoice);
    }

    @Override public @Nullable String getModel() { return model; }
    @Override public @Nullable Integer getMaxTokens() { return maxTokens; }
    @Override public @Nullable Double getTemperature() { return temperature; }
    @Override public @Nullable List<String> getStopSequences() { return stopSequences; }
    @Override public @Nullable Double getTopP() { return topP; }
    @Override public @Nullable Integer getTopK() { return topK; }
    @Override public @Nullable Double getFrequencyPenalty() { return frequencyPenalty; }
    @Override public @Nullable Double getPresencePenalty() { return presencePenalty; }
    public @Nullable Strategy getStrategy() { return strategy; }
    public @Nullable Integer getBlockLength() { return blockLength; }
    public @Nullable Integer getSteps() { return steps; }
    public @Nullable Integer getWindowLength() { return windowLength; }
    /** Confidence threshold; {@code 0} means top-k unmasking. */
    public @Nullable Double getThreshold() { return threshold; }
    public @Nullable Integer getTokensPerIter() { return tokensPerIter; }
    public @Nullable Double getGamma() { return gamma; }
    public @Nullable Integer getTrackNum() { return trackNum; }
    public @Nullable Boolean getBlockCaching() { return blockCaching; }
    public @Nullable Remasking getRemasking() { return remasking; }
    public @Nullable Long getSeed() { return seed; }
    @Override public List<ToolCallback> getToolCallbacks() { return toolCallbacks; }
    @Override public Map<String, Object> getToolContext() { return toolContext; }
    /** JSON Schema of the answer, decoded by infilling; null for a text answer. */
    @Override public @Nullable String getOutputSchema() { return outputSchema; }
    /** Whether the model may, must or must not call the offered tools (null: auto). */
    public @Nullable ToolChoice getToolChoice() { return toolChoice; }

    private List<Object> values() {
        return java.util.Arrays.asList(model, maxTokens, temperature, stopSequences, topP, topK, frequencyPenalty,
                presencePenalty, strategy, blockLength, steps, windowLength, threshold, tokensPerIter, gamma,
                trackNum, blockCaching, remasking, seed, toolCallbacks, toolContext, outputSchema, toolChoice);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElasticCacheChatOptions that && values().equals(that.values());
    }

    @Override
    public int hashCode() {
        return values().hashCode();
    }

    @Override
    public String toString() {
        return "ElasticCacheChatOptions{model=" + model + ", maxTokens=" + maxTokens + ", temperature=" + temperature
                + ", stopSequences=" + stopSequences + ", strategy=" + strategy + ", blockLength=" + blockLength
                + ", steps=" + steps + ", windowLength=" + windowLength + ", threshold=" + threshold
                + ", tokensPerIter=" + tokensPerIter + ", gamma=" + gamma + ", trackNum=" + trackNum
                + ", blockCaching=" + blockCaching + ", remasking=" + remasking + ", seed=" + seed
                + ", tools=" + toolCallbacks.stream().map(t -> t.getToolDefinition().name()).toList()
                + ", toolChoice=" + toolChoice + ", outputSchema=" + (outputSchema == null ? "none" : "set") + "}";
    }

    /**
     * Builder. {@link #combineWith} takes every non-null value of another builder (Spring AI's portable
     * builders too); stop sequences of both are kept, without duplicates.
     */
    public static final class Builder extends DefaultToolCallingChatOptions.Builder<Builder>
            implements StructuredOutputChatOptions.Builder<Builder> {
        private @Nullable Strategy strategy;
        private @Nullable Integer blockLength;
        private @Nullable Integer steps;
        private @Nullable Integer windowLength;
        private @Nullable Double threshold;
        private @Nullable Integer tokensPerIter;
        private @Nullable Double gamma;
        private @Nullable Integer trackNum;
        private @Nullable Boolean blockCaching;
        private @Nullable Remasking remasking;
        private @Nullable Long seed;
        private @Nullable String outputSchema;
        private @Nullable ToolChoice toolChoice;

        private Builder() {}

        /** Decoding strategy: elastic, llada, fast-dllm, fast-dllm-prefix or fast-dllm-dual. */
        public Builder strategy(@Nullable Strategy v) { strategy = v; return this; }
        public Builder strategy(@Nullable String v) { strategy = v == null ? null : Strategy.parse(v); return this; }
        public Builder blockLength(@Nullable Integer v) { blockLength = v; return this; }
        public Builder steps(@Nullable Integer v) { steps = v; return this; }
        public Builder windowLength(@Nullable Integer v) { windowLength = v; return this; }
        /** Confidence threshold in (0, 1]; {@code 0} selects top-k unmasking. */
        public Builder threshold(@Nullable Double v) { threshold = v; return this; }
        public Builder tokensPerIter(@Nullable Integer v) { tokensPerIter = v; return this; }
        /** Elastic-Cache drift threshold in (0, 1]. */
        public Builder gamma(@Nullable Double v) { gamma = v; return this; }
        public Builder trackNum(@Nullable Integer v) { trackNum = v; return this; }
        public Builder blockCaching(@Nullable Boolean v) { blockCaching = v; return this; }
        public Builder remasking(@Nullable Remasking v) { remasking = v; return this; }
        public Builder seed(@Nullable Long v) { seed = v; return this; }
        /** JSON Schema of the answer (the supported subset); null for a text answer. */
        @Override
        public Builder outputSchema(@Nullable String v) { outputSchema = v; return this; }
        public Builder toolChoice(@Nullable ToolChoice v) { toolChoice = v; return this; }
        /** {@code auto}, {@code required} or {@code none}. */
        public Builder toolChoice(@Nullable String v) { toolChoice = v == null ? null : ToolChoice.parse(v); return this; }

        @Override
        public Builder combineWith(ChatOptions.Builder<?> other) {
            List<String> mine = stopSequences;
            super.combineWith(other);
            if (!(other instanceof DefaultChatOptionsBuilder<?>)) {
                copyPortable(other.build());
            }
            if (stopSequences != null) {
                LinkedHashSet<String> union = new LinkedHashSet<>(mine == null ? List.of() : mine);
                union.addAll(stopSequences);
                stopSequences = new ArrayList<>(union);
            }
            if (other instanceof Builder that) {
                strategy = or(that.strategy, strategy);
                blockLength = or(that.blockLength, blockLength);
                steps = or(that.steps, steps);
                windowLength = or(that.windowLength, windowLength);
                threshold = or(that.threshold, threshold);
                tokensPerIter = or(that.tokensPerIter, tokensPerIter);
                gamma = or(that.gamma, gamma);
                trackNum = or(that.trackNum, trackNum);
                blockCaching = or(that.blockCaching, blockCaching);
                remasking = or(that.remasking, remasking);
                seed = or(that.seed, seed);
                outputSchema = or(that.outputSchema, outputSchema);
                toolChoice = or(that.toolChoice, toolChoice);
            } else if (other.build() instanceof StructuredOutputChatOptions structured && structured.getOutputSchema() != null) {
                outputSchema = structured.getOutputSchema();
            }
            return this;
        }

        private void copyPortable(ChatOptions o) {
            if (o.getModel() != null) model = o.getModel();
            if (o.getMaxTokens() != null) maxTokens = o.getMaxTokens();
            if (o.getTemperature() != null) temperature = o.getTemperature();
            if (o.getTopP() != null) topP = o.getTopP();
            if (o.getTopK() != null) topK = o.getTopK();
            if (o.getFrequencyPenalty() != null) frequencyPenalty = o.getFrequencyPenalty();
            if (o.getPresencePenalty() != null) presencePenalty = o.getPresencePenalty();
            if (o.getStopSequences() != null) {
                List<String> merged = new ArrayList<>(stopSequences == null ? List.of() : stopSequences);
                merged.addAll(o.getStopSequences());
                stopSequences = merged;
            }
        }

        private static <T> @Nullable T or(@Nullable T value, @Nullable T fallback) {
            return value != null ? value : fallback;
        }

        private ToolCallingChatOptions portable() {
            return super.build();
        }

        @Override
        public ElasticCacheChatOptions build() {
            return new ElasticCacheChatOptions(this);
        }
    }
}
