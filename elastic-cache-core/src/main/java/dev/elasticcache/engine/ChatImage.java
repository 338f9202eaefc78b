package dev.elasticcache.engine;

import java.util.Objects;

/**
 * An image attached to one message of a chat request (PNG or JPEG bytes), for vision-language models (LLaDA-V).
 * The image goes before that message's text, as LLaDA-V's {@code <image>\n} placeholder does.
 *
 * @param message index of the message in {@link GenerationRequest#messages()} (a user message)
 * @param data    the encoded image file
 * @param name    where it came from, for error messages ({@code upload.png}, {@code data URL})
 */
public record ChatImage(int message, byte[] data, String name) {
    public ChatImage {
        Objects.requireNonNull(data, "image data");
        name = name == null ? "image" : name;
    }
}
