package dev.elasticcache.decode;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The decoding strategies. Each names the reference algorithm it reproduces. */
public enum Strategy {
    /** Vanilla LLaDA: semi-autoregressive blocks, linear transfer schedule, full forward every step. */
    LLADA("llada"),
    /** Fast-dLLM confidence-threshold parallel decoding, no cache. */
    FAST_DLLM("fast-dllm"),
    /** Fast-dLLM parallel decoding with the prefix KV cache (prompt and finished blocks). */
    FAST_DLLM_PREFIX("fast-dllm-prefix"),
    /** Fast-dLLM parallel decoding with the dual KV cache (everything but the current block). */
    FAST_DLLM_DUAL("fast-dllm-dual"),
    /** Elastic-Cache: sliding window, attention-aware drift test, depth-aware cache refresh. */
    ELASTIC("elastic");

    private final String id;

    Strategy(String id) {
        this.id = id;
    }

    /** The name used on the command line, in properties and in reports. */
    public String id() {
        return id;
    }

    /** Parses a strategy name such as {@code elastic} or {@code fast-dllm-dual} (case and '_' tolerant). */
    public static Strategy parse(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("strategy must not be empty; allowed: " + allowed());
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Strategy s : values()) {
            if (s.id.equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + name + "'; allowed: " + allowed());
    }

    static String allowed() {
        return Arrays.stream(values()).map(Strategy::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
