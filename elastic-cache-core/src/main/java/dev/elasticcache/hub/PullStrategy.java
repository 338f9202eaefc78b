package dev.elasticcache.hub;

import java.util.Locale;

/** When a model named by id is fetched from the Hub (the same choices as Spring AI's Ollama starter). */
public enum PullStrategy {
    /** Only the cache: a model that is not there is an error that names the setting to change. */
    NEVER,
    /** The cache when it holds the revision completely, else download what is missing. */
    WHEN_MISSING,
    /** Ask the Hub which commit the revision is now and download what that commit lacks in the cache. */
    ALWAYS;

    /** The spelling in properties and on the command line: {@code never}, {@code when-missing}, {@code always}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code never | when-missing | always} ({@code when_missing} too, any case). */
    public static PullStrategy parse(String text) {
        if (text != null) {
            String s = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (PullStrategy p : values()) {
                if (p.name().equals(s)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("pull-model strategy must be never, when-missing or always, got '" + text + "'");
    }
}
