package dev.elasticcache.lab.bench;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import java.util.List;

/**
 * One row of the paper-style table: a strategy with its knobs, as the reference scripts run it.
 *
 * @param label row label in reports
 * @param options decoding options without the generation length (set per length)
 */
record Variant(String label, DecodingOptions options) {

    /** The rows of the paper's comparison: LLaDA, Fast-dLLM parallel and dual cache, Elastic-Cache (W 16, 32). */
    static List<Variant> paperRows(double gamma) {
        DecodingOptions base = DecodingOptions.builder().blockLength(32).threshold(0.9).build();
        return List.of(
                new Variant("llada", base.mutate().strategy(Strategy.LLADA).steps(0).build()),
                new Variant("fast-dllm", base.mutate().strategy(Strategy.FAST_DLLM).build()),
                new Variant("fast-dllm-dual", base.mutate().strategy(Strategy.FAST_DLLM_DUAL).build()),
                elastic(gamma, 16),
                elastic(gamma, 32));
    }

    static Variant elastic(double gamma, int window) {
        return new Variant("elastic w" + window + " g" + gamma, DecodingOptions.builder().strategy(Strategy.ELASTIC)
                .windowLength(window).gamma(gamma).threshold(0.9).build());
    }

    DecodingOptions at(int genLength) {
        return options.mutate().genLength(genLength).build().validate();
    }

    boolean isBaseline() {
        return options.strategy() == Strategy.LLADA;
    }
}
