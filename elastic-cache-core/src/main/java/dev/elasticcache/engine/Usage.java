package dev.elasticcache.engine;

/**
 * Token accounting of one generation.
 *
 * @param promptTokens tokens of the rendered prompt
 * @param generationTokens answer tokens returned (up to the end token or stop sequence)
 */
public record Usage(int promptTokens, int generationTokens) {
    public int totalTokens() {
        return promptTokens + generationTokens;
    }
}
