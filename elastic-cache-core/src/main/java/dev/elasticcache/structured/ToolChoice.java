package dev.elasticcache.structured;

import java.util.Locale;

/** Whether the answer may, must or must not be a tool call (OpenAI's and LangChain4j's three modes). */
public enum ToolChoice {
    /** The model decides: a call when a call marker is its most likely first answer token (see ToolCalling). */
    AUTO,
    /** At least one call; the text branch is skipped. */
    REQUIRED,
    /** Plain text; tools are still described in the prompt. */
    NONE;

    public static ToolChoice parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tool choice '" + value + "'; allowed: auto, required, none");
        }
    }
}
