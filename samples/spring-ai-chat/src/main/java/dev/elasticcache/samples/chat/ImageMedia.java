package dev.elasticcache.samples.chat;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.content.Media;
import org.springframework.util.MimeType;

/**
 * An image URL of a request ({@code /api/chat} images, OpenAI {@code image_url} parts) as Spring AI media. Only
 * {@code data:} URLs reach a model: the starter refuses any other URL naming the fix, so nothing is fetched here.
 */
final class ImageMedia {
    private ImageMedia() {}

    static Media of(@Nullable String url) {
        String value = url == null ? "null" : url;
        String type = value.startsWith("data:") && value.indexOf(';') > 5 ? value.substring(5, value.indexOf(';')) : "image/png";
        return new Media(MimeType.valueOf(type), URI.create(value));
    }
}
