package dev.elasticcache.samples.chat;

import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ModelCard;
import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.samples.chat.ChatApi.BookingReply;
import dev.elasticcache.samples.chat.ChatApi.ChatReply;
import dev.elasticcache.samples.chat.ChatApi.ChatRequest;
import dev.elasticcache.samples.chat.ChatApi.CompareReply;
import dev.elasticcache.samples.chat.ChatApi.Example;
import dev.elasticcache.samples.chat.ChatApi.Info;
import dev.elasticcache.samples.chat.ChatApi.StreamDelta;
import dev.elasticcache.samples.chat.ChatApi.StreamDone;
import dev.elasticcache.samples.chat.ChatApi.StreamError;
import dev.elasticcache.samples.chat.ChatApi.ToolInfo;
import dev.elasticcache.samples.chat.ChatApi.ToolRun;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <li>{@code POST /api/chat}: {@link ChatRequest} to {@link ChatReply}. {@code "tools": true} offers the app's
 * {@link TravelTools}; the reply lists the tool runs of Spring AI's tool loop ({@code toolCalls}).</li>
 * <li>{@code POST /api/chat/stream}: server-sent events, {@code data:{"text":"..."}} per text delta,
 * {@code event:tool} with a {@link ToolRun} whenever a tool has run, then one {@code event:done} with
 * {@link StreamDone} (or {@code event:error} with {@link StreamError}).</li>
 * <li>An answer the model ended at once has {@code finishReason: "EMPTY"} and a {@code hint} (in the reply of
 * {@code /api/chat} and the {@code done} event of the stream): why, with the model's task families and example
 * prompts.</li>
 * <li>{@code POST /api/compare}: {@link CompareReply}, the chosen strategy against the {@code llada} baseline.</li>
 * <li>{@code POST /api/booking}: the booking record of the message ({@code id:... bag:7}, with or without the
 * {@code Record to JSON: } instruction) as a parsed {@link Booking} ({@link BookingReply}), by native structured
 * output: the model infills the record's JSON Schema.</li>
 * <li>{@code GET /api/info}: the model, the strategies, the default knobs, the tools, the model's layer count,
 * its task families and the page's example prompts.</li>
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
        List<ToolRun> runs = new CopyOnWriteArrayList<>();
        return sse.open(chat.stream(request), item -> {
            if (item instanceof ToolRun run) {
                runs.add(run);
                return List.of(SseEmitter.event().name("tool").data(run, MediaType.APPLICATION_JSON));
            }
            ChatResponse response = (ChatResponse) item;
            // Chunks without statistics (usage corrections of the tool loop) must not replace the last real one.
            if (last.get() == null || response.getMetadata().get(ElasticCacheChatModel.METADATA_NFE) != null) {
                last.set(response);
            }
            String text = response.getResult() == null ? null : response.getResult().getOutput().getText();
            return text == null || text.isEmpty() ? List.of()
                    : List.of(SseEmitter.event().data(new StreamDelta(text), MediaType.APPLICATION_JSON));
        }, () -> {
            ChatReply reply = ChatReply.from(last.get(), "", runs);
            return List.<SseEventBuilder>of(SseEmitter.event().name("done").data(StreamDone.of(reply),
                    MediaType.APPLICATION_JSON));
        }, error -> SseEmitter.event().name("error").data(
                new StreamError(ApiErrors.statusOf(error).value(), ApiErrors.messageOf(error)), MediaType.APPLICATION_JSON));
    }

    @PostMapping(path = "/compare", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public CompareReply compare(@RequestBody ChatRequest request) {
        return chat.compare(request);
    }

    @PostMapping(path = "/booking", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public BookingReply booking(@RequestBody ChatRequest request) {
        return chat.booking(request);
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
        List<ToolInfo> tools = chat.tools().callbacks().stream().map(c -> new ToolInfo(c.getToolDefinition().name(),
                c.getToolDefinition().description(), c.getToolDefinition().inputSchema())).toList();
        ModelCard card = model.card();
        return new Info(model.name(), model.parameters(), model.device(),
                Arrays.stream(Strategy.values()).map(Strategy::id).toList(), defaults, tools,
                chat.chatModel().getEngine().diffusionModel().layers(),
                card.families(), card.isTaskModel(), examples(card), chat.chatModel().getEngine().acceptsImages());
    }

    /**
     * The page's examples: the card's prompt of every family that has one (structured families without a prompt
     * are skipped), a general question for a model without a card, then the app's tool and booking examples.
     */
    static List<Example> examples(ModelCard card) {
        List<Example> out = new ArrayList<>();
        for (String family : card.families()) {
            String prompt = card.examples().get(family);
            if (prompt != null && !prompt.isBlank()) {
                out.add(new Example("example-" + family.replaceAll("[^A-Za-z0-9_-]", "-"), family, family, prompt,
                        "chat", false));
            }
        }
        if (!card.isTaskModel()) {
            out.add(new Example("example-general", "general question", null, "What is the capital of France?", "chat",
                    false));
        }
        out.add(new Example("example-booking", "record to JSON", null, ChatService.BOOKING_INSTRUCTION
                + "id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7", "booking", false));
        out.add(new Example("example-weather", "weather (tool)", null, "What is the weather in Oslo?", "chat", true));
        out.add(new Example("example-flight", "flight (tool)", null, "Book a flight from PSK to UJX, seat 70V.", "chat",
                true));
        out.add(new Example("example-currency", "currency (tool)", null, "Convert 120 USD to EUR.", "chat", true));
        return List.copyOf(out);
    }
}
