package dev.elasticcache.spring.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.prompt.ChatOptions;

class ElasticCacheChatOptionsTests {

    @Test
    void maxTokensBecomeAGenerationLengthByTheCoresOneRule() {
        for (Strategy strategy : Strategy.values()) {
            for (int maxTokens : new int[] {1, 31, 32, 33, 500, Integer.MAX_VALUE}) {
                DecodingOptions options = ElasticCacheChatOptions.builder().strategy(strategy).blockLength(32)
                        .maxTokens(maxTokens).build().applyTo(DecodingOptions.defaults());
                assertThat(options.genLength()).as(strategy + " " + maxTokens)
                        .isEqualTo(DecodingOptions.genLengthFor(maxTokens, strategy, 32))
                        .isGreaterThanOrEqualTo(maxTokens);
            }
        }
        assertThat(DecodingOptions.genLengthFor(33, Strategy.LLADA, 32)).isEqualTo(64);
        assertThat(DecodingOptions.genLengthFor(33, Strategy.ELASTIC, 32)).isEqualTo(33);
        assertThat(DecodingOptions.genLengthFor(Integer.MAX_VALUE, Strategy.FAST_DLLM, 32)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void builderAndMutateRoundTripEveryValue() {
        ElasticCacheChatOptions options = ElasticCacheChatOptions.builder().model("m").maxTokens(40).temperature(0.7)
                .stopSequences(List.of("END")).topP(0.5).topK(3).frequencyPenalty(0.1).presencePenalty(0.2)
                .strategy("fast-dllm-dual").blockLength(8).steps(16).windowLength(4).threshold(0.8).tokensPerIter(2)
                .gamma(0.6).trackNum(3).blockCaching(false).remasking(Remasking.RANDOM).seed(9L).build();

        ElasticCacheChatOptions copy = options.mutate().build();

        assertThat(copy).isEqualTo(options).hasSameHashCodeAs(options).isNotSameAs(options);
        assertThat(copy.getStrategy()).isEqualTo(Strategy.FAST_DLLM_DUAL);
        assertThat(copy.getGamma()).isEqualTo(0.6);
        assertThat(copy.getStopSequences()).containsExactly("END");
        assertThat(copy.getSeed()).isEqualTo(9L);
        assertThat(options.mutate().gamma(0.5).build()).isNotEqualTo(options);
    }

    @Test
    void combineWithTakesNonNullValuesOfOurBuilderAndUnitesStopSequences() {
        ElasticCacheChatOptions defaults = ElasticCacheChatOptions.builder().strategy("elastic").gamma(0.9)
                .maxTokens(128).stopSequences(List.of("A")).build();

        ElasticCacheChatOptions merged = defaults.mutate()
                .combineWith(ElasticCacheChatOptions.builder().gamma(0.5).stopSequences(List.of("A", "B"))).build();

        assertThat(merged.getGamma()).isEqualTo(0.5);
        assertThat(merged.getStrategy()).isEqualTo(Strategy.ELASTIC);
        assertThat(merged.getMaxTokens()).isEqualTo(128);
        assertThat(merged.getStopSequences()).containsExactly("A", "B");
    }

    @Test
    void combineWithAcceptsSpringAiPortableOptions() {
        ElasticCacheChatOptions defaults = ElasticCacheChatOptions.builder().gamma(0.9).maxTokens(128).build();

        ElasticCacheChatOptions merged = defaults.mutate()
                .combineWith(ChatOptions.builder().maxTokens(20).temperature(0.3)).build();

        assertThat(merged.getMaxTokens()).isEqualTo(20);
        assertThat(merged.getTemperature()).isEqualTo(0.3);
        assertThat(merged.getGamma()).isEqualTo(0.9);
    }

    @Test
    void maxTokensIsRoundedUpToBlockLengthForBlockStrategiesOnly() {
        DecodingOptions base = DecodingOptions.defaults();

        DecodingOptions llada = ElasticCacheChatOptions.builder().strategy("llada").maxTokens(50).build().applyTo(base);
        DecodingOptions elastic = ElasticCacheChatOptions.builder().maxTokens(50).build().applyTo(base);
        DecodingOptions small = ElasticCacheChatOptions.builder().strategy("fast-dllm").blockLength(8).maxTokens(17)
                .build().applyTo(base);

        assertThat(llada.genLength()).isEqualTo(64);
        assertThat(llada.strategy()).isEqualTo(Strategy.LLADA);
        assertThat(elastic.genLength()).isEqualTo(50);
        assertThat(small.genLength()).isEqualTo(24);
        assertThat(small.blockLength()).isEqualTo(8);
    }

    @Test
    void applyToKeepsBaseValuesForUnsetKnobsAndMapsThresholdZeroToTopK() {
        DecodingOptions base = DecodingOptions.builder().gamma(0.8).windowLength(12).build();

        DecodingOptions applied = ElasticCacheChatOptions.builder().threshold(0.0).tokensPerIter(2).build().applyTo(base);

        assertThat(applied.threshold()).isNull();
        assertThat(applied.tokensPerIter()).isEqualTo(2);
        assertThat(applied.gamma()).isEqualTo(0.8);
        assertThat(applied.windowLength()).isEqualTo(12);
        assertThat(applied.genLength()).isEqualTo(DecodingOptions.DEFAULT_GEN_LENGTH);
    }

    @Test
    void fromDecodingOptionsCarriesEveryKnob() {
        DecodingOptions d = DecodingOptions.builder().strategy(Strategy.FAST_DLLM_PREFIX).genLength(64).blockLength(16)
                .steps(8).windowLength(5).threshold(null).tokensPerIter(3).gamma(0.7).trackNum(2).blockCaching(false)
                .temperature(0.4).remasking(Remasking.RANDOM).seed(5).build();

        ElasticCacheChatOptions o = ElasticCacheChatOptions.from(d).build();

        assertThat(o.getMaxTokens()).isEqualTo(64);
        assertThat(o.getThreshold()).isEqualTo(0.0);
        assertThat(o.applyTo(DecodingOptions.defaults())).isEqualTo(d);
    }
}
