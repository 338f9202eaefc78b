package dev.elasticcache.samples.assistant;

import dev.langchain4j.service.Result;

/** The LangChain4j AI service: one method, implemented by {@code AiServices} on the Elastic-Cache chat model. */
public interface Assistant {

    /** Answers {@code message} in the context of the conversation so far (the chat memory). */
    Result<String> chat(String message);
}
