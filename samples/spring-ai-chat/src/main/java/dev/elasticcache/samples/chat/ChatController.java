package dev.elasticcache.samples.chat;

import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.samples.chat.ChatApi.ChatReply;
import dev.elasticcache.samples.chat.ChatApi.ChatRequest;
import dev.elasticcache.samples.chat.ChatApi.CompareReply;
import dev.elasticcache.samples.chat.ChatApi.Info;
import dev.elasticcache.samples.chat.ChatApi.StreamDelta;
import dev.elasticcache.samples.chat.ChatApi.StreamDone;
import dev.elasticcache.samples.chat.ChatApi.StreamError;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/**
 * The app's own chat API, used by the page.
 *
 * <ul>
 * <li>{@code POST /api/chat}: {@link ChatRequest} to {@link ChatReply}.</li>
 * <li>{@code POST /api/chat/stream}: server-sent events, {@code data:{"text":"..."}} per text delta, then one
 * {@code event:done} with {@link StreamDone} (or {@code event:error} with {@link StreamError}).</li>
 * <li>{@code POST /api/compare}: {@link CompareReply}, the chosen strategy against the {@code llada} baseline.</li>
 * <li>{@code GET /api/info}: the model, the strategies and the default knobs.</li>
 * </ul>
 */
@RestController
@RequestMapping("/api")
public class ChatController {

    private final ChatService chat;
    private final SseBridge sse;

    public ChatController(ChatService chat, SseBridge sse) {
        this.chat = chat;
        this.sse = sse;
    }

    @PostMapping(path = "/chat", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ChatReply chat(@RequestBody ChatRequest request) {
        return chat.call(request);
    }

    @PostMapping(path = "/chat/stream", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(@RequestBody ChatRequest request) {
        AtomicReference<ChatResponse> last = new AtomicReference<>();
        return sse.open(chat.stream(request), response -> {
            last.set(response);
            String text = response.getResult() == null ? null : response.getResult().getOutput().getText();
            return text == null || text.isEmpty() ? List.of()
                    : List.of(SseEmitter.event().data(new StreamDelta(text), MediaType.APPLICATION_JSON));
        }, () -> {
            ChatReply reply = ChatReply.from(last.get(), "");
            return List.<SseEventBuilder>of(SseEmitter.event().name("done")
                    .data(new StreamDone(reply.finishReason(), reply.usage(), reply.stats()), MediaType.APPLICATION_JSON));
        }, error -> SseEmitter.event().name("error").data(
                new StreamError(ApiErrors.statusOf(error).value(), ApiErrors.messageOf(error)), MediaType.APPLICATION_JSON));
    }

    @PostMapping(path = "/compare", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public CompareReply compare(@RequestBody ChatRequest request) {
        return chat.compare(request);
    }

    @GetMapping(path = "/info", produces = MediaType.APPLICATION_JSON_VALUE)
    public Info info() {
        ModelInfo model = chat.chatModel().getEngine().modelInfo();
        ElasticCacheChatOptions o = chat.chatModel().getOptions();
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("strategy", o.getStrategy() == null ? null : o.getStrategy().id());
        defaults.put("maxTokens", o.getMaxTokens());
        defaults.put("gamma", o.getGamma());
        defaults.put("windowLength", o.getWindowLength());
        defaults.put("threshold", o.getThreshold());
        defaults.put("blockLength", o.getBlockLength());
        defaults.put("temperature", o.getTemperature());
        return new Info(model.name(), model.parameters(), model.device(),
                Arrays.stream(Strategy.values()).map(Strategy::id).toList(), defaults);
    }
}
