package dev.elasticcache.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Remasking;
import dev.elasticcache.decode.Strategy;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Merge semantics and option resolution; no engine needed. */
class ElasticCacheChatRequestParametersTest {

    private final ElasticCacheChatRequestParameters knobs = ElasticCacheChatRequestParameters.builder()
            .strategy("fast-dllm-dual")
            .blockLength(16)
            .steps(0)
            .windowLength(8)
            .threshold(0.8)
            .tokensPerIter(2)
            .gamma(0.7)
            .trackNum(3)
            .blockCaching(false)
            .remasking(Remasking.RANDOM)
            .seed(42L)
            .temperature(0.5)
            .maxOutputTokens(40)
            .stopSequences("END")
            .build();

    @Test
    void plain_defaults_overridden_by_our_parameters_keep_every_knob() {
        ChatRequestParameters defaults = ChatRequestParameters.builder().temperature(0.1).maxOutputTokens(8)
                .stopSequences("STOP").build();

        ChatRequestParameters merged = defaults.overrideWith(knobs);

        assertThat(merged).isInstanceOf(ElasticCacheChatRequestParameters.class).isEqualTo(knobs);
    }

    @Test
    void our_defaults_overridden_by_plain_parameters_take_the_common_values_and_keep_the_knobs() {
        ChatRequestParameters request = ChatRequestParameters.builder().temperature(0.0).maxOutputTokens(12).build();

        ElasticCacheChatRequestParameters merged = (ElasticCacheChatRequestParameters) knobs.overrideWith(request);

        assertThat(merged.temperature()).isEqualTo(0.0);
        assertThat(merged.maxOutputTokens()).isEqualTo(12);
        assertThat(merged.stopSequences()).containsExactly("END");
        assertThat(merged.strategy()).isEqualTo(Strategy.FAST_DLLM_DUAL);
        assertThat(merged.blockLength()).isEqualTo(16);
        assertThat(merged.windowLength()).isEqualTo(8);
        assertThat(merged.threshold()).isEqualTo(0.8);
        assertThat(merged.tokensPerIter()).isEqualTo(2);
        assertThat(merged.gamma()).isEqualTo(0.7);
        assertThat(merged.trackNum()).isEqualTo(3);
        assertThat(merged.blockCaching()).isFalse();
        assertThat(merged.remasking()).isEqualTo(Remasking.RANDOM);
        assertThat(merged.seed()).isEqualTo(42L);
    }

    @Test
    void request_knobs_override_default_knobs_one_by_one() {
        ElasticCacheChatRequestParameters request = ElasticCacheChatRequestParameters.builder()
                .strategy(Strategy.ELASTIC).gamma(0.95).build();

        ElasticCacheChatRequestParameters merged = knobs.overrideWith(request);

        assertThat(merged.strategy()).isEqualTo(Strategy.ELASTIC);
        assertThat(merged.gamma()).isEqualTo(0.95);
        assertThat(merged.windowLength()).isEqualTo(8);
        assertThat(merged.seed()).isEqualTo(42L);
        assertThat(knobs.defaultedBy(request)).isEqualTo(request.overrideWith(knobs));
        assertThat(request.defaultedBy(knobs)).isEqualTo(merged);
    }

    @Test
    void top_k_unmasking_and_threshold_switch_the_unmasking_mode() {
        ElasticCacheChatRequestParameters topK = ElasticCacheChatRequestParameters.builder().topKUnmasking(true).build();
        ElasticCacheChatRequestParameters threshold = ElasticCacheChatRequestParameters.builder().threshold(0.6).build();
        DecodingOptions base = DecodingOptions.defaults();

        assertThat(ElasticCacheSupport.resolveOptions(knobs.overrideWith(topK), base).threshold()).isNull();
        ElasticCacheChatRequestParameters back = knobs.overrideWith(topK).overrideWith(threshold);
        assertThat(back.topKUnmasking()).isNull();
        assertThat(ElasticCacheSupport.resolveOptions(back, base).threshold()).isEqualTo(0.6);
    }

    @Test
    void resolves_decoding_options_with_max_output_tokens_as_gen_length() {
        DecodingOptions options = ElasticCacheSupport.resolveOptions(knobs, DecodingOptions.defaults());

        assertThat(options.strategy()).isEqualTo(Strategy.FAST_DLLM_DUAL);
        assertThat(options.genLength()).as("40 rounded up to whole blocks of 16").isEqualTo(48);
        assertThat(options.blockLength()).isEqualTo(16);
        assertThat(options.windowLength()).isEqualTo(8);
        assertThat(options.threshold()).isEqualTo(0.8);
        assertThat(options.tokensPerIter()).isEqualTo(2);
        assertThat(options.gamma()).isEqualTo(0.7);
        assertThat(options.trackNum()).isEqualTo(3);
        assertThat(options.blockCaching()).isFalse();
        assertThat(options.temperature()).isEqualTo(0.5);
        assertThat(options.remasking()).isEqualTo(Remasking.RANDOM);
        assertThat(options.seed()).isEqualTo(42L);

        assertThat(DecodingOptions.genLengthFor(40, Strategy.ELASTIC, 32)).isEqualTo(40);
        assertThat(DecodingOptions.genLengthFor(5, Strategy.LLADA, 32)).isEqualTo(32);
        assertThat(DecodingOptions.genLengthFor(64, Strategy.FAST_DLLM, 32)).isEqualTo(64);
        assertThat(DecodingOptions.genLengthFor(65, Strategy.FAST_DLLM_PREFIX, 32)).isEqualTo(96);
    }

    @Test
    void from_options_round_trips() {
        DecodingOptions options = DecodingOptions.defaults().mutate().strategy(Strategy.LLADA).genLength(64)
                .threshold(null).seed(9).build();

        assertThat(ElasticCacheSupport.resolveOptions(ElasticCacheChatRequestParameters.from(options),
                DecodingOptions.defaults())).isEqualTo(options);
    }

    @Test
    void equality_includes_the_knobs() {
        ElasticCacheChatRequestParameters same = ElasticCacheChatRequestParameters.builder().overrideWith(knobs).build();
        assertThat(same).isEqualTo(knobs).hasSameHashCodeAs(knobs);
        assertThat(same.overrideWith(ElasticCacheChatRequestParameters.builder().trackNum(1).build())).isNotEqualTo(knobs);
        assertThat(knobs).isNotEqualTo(DefaultChatRequestParameters.builder().overrideWith(knobs).build());
        assertThat(knobs.toString()).contains("strategy=fast-dllm-dual", "gamma=0.7", "stopSequences=[END]");
        assertThat(ElasticCacheChatRequestParameters.EMPTY.stopSequences()).isEqualTo(List.of());
    }
}
