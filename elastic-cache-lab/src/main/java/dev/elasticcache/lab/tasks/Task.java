package dev.elasticcache.lab.tasks;

import java.util.Objects;

/**
 * One synthetic instruction: the user's message and the exact answer expected from the assistant.
 *
 * @param family the task family's name (e.g. {@code reverse})
 * @param prompt the user message (rendered with the LLaDA chat template before encoding)
 * @param answer the expected assistant answer, scored by exact match
 */
public record Task(String family, String prompt, String answer) {
    public Task {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
    }
}
