package dev.elasticcache.samples.chat;

import dev.elasticcache.samples.chat.ChatApi.ChatRequest;
import dev.elasticcache.samples.chat.ChatApi.DecodeDone;
import dev.elasticcache.samples.chat.ChatApi.DecodeStart;
import dev.elasticcache.samples.chat.ChatApi.DecodeStep;
import dev.elasticcache.samples.chat.ChatApi.StreamError;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code POST /api/decode/stream}: the page's "Watch it decode" view. The body is a {@link ChatRequest} (message and
 * knobs; no tools). Server-sent events: {@code event:start} with {@link DecodeStart}, one {@code event:step} with
 * {@link DecodeStep} per denoising step (as many as the final NFE), then {@code event:done} with
 * {@link DecodeDone} (or {@code event:error} with {@link StreamError}). Invalid requests are answered 400 and a
 * full queue 429 before the stream starts. The page runs {@code llada} and {@code elastic} one after the other
 * (the engine decodes one request at a time) to compare them.
 */
@RestController
@RequestMapping("/api")
public class DecodeController {

    private final DecodeView view;
    private final SseBridge sse;

    public DecodeController(DecodeView view, SseBridge sse) {
        this.view = view;
        this.sse = sse;
    }

    @PostMapping(path = "/decode/stream", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter decode(@RequestBody ChatRequest request) {
        return sse.open(view.decode(request), event -> List.of(SseEmitter.event().name(name(event))
                .data(event, MediaType.APPLICATION_JSON)), List::of,
                error -> SseEmitter.event().name("error").data(
                        new StreamError(ApiErrors.statusOf(error).value(), ApiErrors.messageOf(error)),
                        MediaType.APPLICATION_JSON));
    }

    private static String name(Object event) {
        if (event instanceof DecodeStep) {
            return "step";
        }
        if (event instanceof DecodeStart) {
            return "start";
        }
        if (event instanceof DecodeDone) {
            return "done";
        }
        throw new IllegalStateException("unexpected decode event " + event.getClass().getName());
    }
}
