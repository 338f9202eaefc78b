package dev.elasticcache.langchain4j;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.Strategy;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.time.Duration;
import java.util.Objects;

/**
 * Response metadata with the decoding figures of the Elastic-Cache engine: strategy, generation length, number of
 * forward passes (NFE), recompute fraction, decoding speed. Reach it with
 * {@code (ElasticCacheChatResponseMetadata) chatResponse.metadata()}.
 */
public class ElasticCacheChatResponseMetadata extends ChatResponseMetadata {

    private final DecodingStats decodingStats;
    private final DecodingOptions decodingOptions;
    private final dev.elasticcache.engine.FinishReason engineFinishReason;

    protected ElasticCacheChatResponseMetadata(Builder builder) {
        super(builder);
        this.decodingStats = builder.decodingStats;
        this.decodingOptions = builder.decodingOptions;
        this.engineFinishReason = builder.engineFinishReason;
    }

    /** The engine's statistics of this generation (null only when built by hand without them). */
    public DecodingStats decodingStats() {
        return decodingStats;
    }

    /** The resolved decoding options this generation ran with. */
    public DecodingOptions decodingOptions() {
        return decodingOptions;
    }

    /**
     * The engine's finish reason; unlike LangChain4j's {@code finishReason()} (where a stop sequence reads as
     * {@code STOP}) it tells an end token ({@code STOP}) from a stop sequence ({@code STOP_SEQUENCE}) and from an
     * empty answer ({@code EMPTY}: the model ended at once, see {@code GenerationResult.emptyAnswerHint()}).
     */
    public dev.elasticcache.engine.FinishReason engineFinishReason() {
        return engineFinishReason;
    }

    /** The strategy that decoded. */
    public Strategy strategy() {
        return decodingStats == null ? null : decodingStats.strategy();
    }

    /** Answer positions decoded ({@code genLength}, from {@code maxOutputTokens}). */
    public Integer genLength() {
        return decodingOptions == null ? null : decodingOptions.genLength();
    }

    /** Forward passes (network function evaluations). */
    public Integer nfe() {
        return decodingStats == null ? null : decodingStats.nfe();
    }

    /** Fraction of layers fully recomputed over all steps (1 for the cache-free strategies). */
    public Double recomputeFraction() {
        return decodingStats == null ? null : decodingStats.recomputeFraction();
    }

    /** Answer tokens per second of decoding. */
    public Double tokensPerSecond() {
        return decodingStats == null ? null : decodingStats.tokensPerSecond();
    }

    /** Wall time of the decoding loop. */
    public Duration decodingTime() {
        return decodingStats == null ? null : Duration.ofNanos(decodingStats.wallNanos());
    }

    @Override
    public Builder toBuilder() {
        return (Builder) toBuilder(builder());
    }

    @Override
    protected ChatResponseMetadata.Builder<?> toBuilder(ChatResponseMetadata.Builder<?> builder) {
        super.toBuilder(builder);
        if (builder instanceof Builder b) {
            b.decodingStats(decodingStats).decodingOptions(decodingOptions).engineFinishReason(engineFinishReason);
        }
        return builder;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass() || !super.equals(o)) {
            return false;
        }
        ElasticCacheChatResponseMetadata that = (ElasticCacheChatResponseMetadata) o;
        return Objects.equals(decodingStats, that.decodingStats)
                && Objects.equals(decodingOptions, that.decodingOptions)
                && engineFinishReason == that.engineFinishReason;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), decodingStats, decodingOptions, engineFinishReason);
    }

    @Override
    public String toString() {
        return "ElasticCacheChatResponseMetadata{"
                + "id='" + id() + '\''
                + ", modelName='" + modelName() + '\''
                + ", tokenUsage=" + tokenUsage()
                + ", finishReason=" + finishReason()
                + ", engineFinishReason=" + engineFinishReason
                + ", strategy=" + strategy()
                + ", genLength=" + genLength()
                + ", nfe=" + nfe()
                + ", recomputeFraction=" + recomputeFraction()
                + ", tokensPerSecond=" + tokensPerSecond()
                + '}';
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends ChatResponseMetadata.Builder<Builder> {
        private DecodingStats decodingStats;
        private DecodingOptions decodingOptions;
        private dev.elasticcache.engine.FinishReason engineFinishReason;

        public Builder decodingStats(DecodingStats decodingStats) {
            this.decodingStats = decodingStats;
            return this;
        }

        public Builder decodingOptions(DecodingOptions decodingOptions) {
            this.decodingOptions = decodingOptions;
            return this;
        }

        public Builder engineFinishReason(dev.elasticcache.engine.FinishReason engineFinishReason) {
            this.engineFinishReason = engineFinishReason;
            return this;
        }

        @Override
        public ElasticCacheChatResponseMetadata build() {
            return new ElasticCacheChatResponseMetadata(this);
        }
    }
}
