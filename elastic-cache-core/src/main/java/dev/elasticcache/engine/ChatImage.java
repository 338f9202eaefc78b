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

    /**
     * An image given as a {@code data:} URL ({@code data:image/png;base64,...}, as OpenAI's {@code image_url} and
     * framework media carry them). Other URLs are refused: the engine fetches nothing at run time.
     */
    public static ChatImage fromUrl(int message, String url) {
        if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) {
            throw new IllegalArgumentException("image URL " + abbreviated(url) + ": only data: URLs are accepted (the engine"
                    + " fetches nothing at run time); send the image bytes, e.g. data:image/png;base64,...");
        }
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).toLowerCase(java.util.Locale.ROOT).endsWith(";base64")) {
            throw new IllegalArgumentException("image URL " + abbreviated(url) + ": expected data:<type>;base64,<data>");
        }
        return fromBase64(message, url.substring(comma + 1), url.substring(5, comma));
    }

    /** An image given as base64 text (MIME line breaks allowed), as LangChain4j's {@code Image} carries it. */
    public static ChatImage fromBase64(int message, String base64, String name) {
        try {
            return new ChatImage(message, java.util.Base64.getMimeDecoder().decode(base64), name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((name == null ? "image" : name) + ": the base64 data is invalid ("
                    + e.getMessage() + ")", e);
        }
    }

    private static String abbreviated(String url) {
        return url == null ? "null" : url.length() <= 40 ? url : url.substring(0, 40) + "...";
    }
}
