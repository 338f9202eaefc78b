package dev.elasticcache.samples.chat;

import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.samples.chat.OpenAiApi.AssistantMessage;
import dev.elasticcache.samples.chat.OpenAiApi.Choice;
import dev.elasticcache.samples.chat.OpenAiApi.Chunk;
import dev.elasticcache.samples.chat.OpenAiApi.ChunkChoice;
import dev.elasticcache.samples.chat.OpenAiApi.Completion;
import dev.elasticcache.samples.chat.OpenAiApi.CompletionRequest;
import dev.elasticcache.samples.chat.OpenAiApi.Delta;
import dev.elasticcache.samples.chat.OpenAiApi.ErrorBody;
import dev.elasticcache.samples.chat.OpenAiApi.ErrorResponse;
import dev.elasticcache.samples.chat.OpenAiApi.Model;
import dev.elasticcache.samples.chat.OpenAiApi.ModelList;
import dev.elasticcache.samples.chat.OpenAiApi.Usage;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/**
 * An OpenAI-compatible front on the Elastic-Cache chat model, so OpenAI clients (Spring AI's OpenAI module,
 * the official SDKs, curl scripts) can talk to the in-JVM diffusion model: {@code POST /v1/chat/completions}
 * (plain and {@code stream: true}) and {@code GET /v1/models}.
 */
@RestController
@RequestMapping("/v1")
public class OpenAiController {

    private final ElasticCacheChatModel chatModel;
    private final SseBridge sse;

    public OpenAiController(ElasticCacheChatModel chatModel, SseBridge sse) {
        this.chatModel = chatModel;
        this.sse = sse;
    }

    @GetMapping(path = "/models", produces = MediaType.APPLICATION_JSON_VALUE)
    public ModelList models() {
        return new ModelList("list", List.of(model()));
    }

    @GetMapping(path = "/models/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<?> model(@PathVariable String id) {
        if (!id.equals(modelName())) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new ErrorResponse(new ErrorBody(
                    "The model '" + id + "' does not exist; this server serves '" + modelName() + "'",
                    "invalid_request_error", "model", "model_not_found")));
        }
        return ResponseEntity.ok(model());
    }

    @PostMapping(path = "/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Object completions(@RequestBody CompletionRequest request) {
        Prompt prompt = prompt(request);
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        if (Boolean.TRUE.equals(request.stream())) {
            boolean includeUsage = request.streamOptions() != null
                    && Boolean.TRUE.equals(request.streamOptions().includeUsage());
            return stream(prompt, id, created, includeUsage);
        }
        ChatResponse response = chatModel.call(prompt);
        ChatApi.ChatReply reply = ChatApi.ChatReply.from(response, response.getResult().getOutput().getText());
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new Completion(id, "chat.completion",
                created, modelName(), List.of(new Choice(0, new AssistantMessage("assistant", reply.answer(), null), null,
                        finishReason(reply.finishReason()))), usage(reply), null, reply.stats()));
    }

    private SseEmitter stream(Prompt prompt, String id, long created, boolean includeUsage) {
        AtomicBoolean first = new AtomicBoolean(true);
        String model = modelName();
        return sse.open(chatModel.stream(prompt), response -> {
            List<SseEventBuilder> events = new ArrayList<>(2);
            if (first.getAndSet(false)) {
                events.add(json(new Chunk(id, "chat.completion.chunk", created, model,
                        List.of(new ChunkChoice(0, new Delta("assistant", ""), null, null)), null, null)));
            }
            String text = response.getResult() == null ? null : response.getResult().getOutput().getText();
            // The chat model's last chunk (empty text) is the one carrying the statistics.
            boolean last = response.getMetadata().get(ElasticCacheChatModel.METADATA_NFE) != null;
            if (text != null && !text.isEmpty()) {
                events.add(json(new Chunk(id, "chat.completion.chunk", created, model,
                        List.of(new ChunkChoice(0, new Delta(null, text), null, null)), null, null)));
            }
            if (last) {
                ChatApi.ChatReply reply = ChatApi.ChatReply.from(response, "");
                events.add(json(new Chunk(id, "chat.completion.chunk", created, model,
                        List.of(new ChunkChoice(0, new Delta(null, null), null, finishReason(reply.finishReason()))),
                        null, reply.stats())));
                if (includeUsage) {
                    events.add(json(new Chunk(id, "chat.completion.chunk", created, model, List.of(), usage(reply), null)));
                }
            }
            return events;
        }, () -> List.of(SseEmitter.event().data("[DONE]")),
                error -> json(OpenAiErrors.body(error)));
    }

    private static SseEventBuilder json(Object data) {
        return SseEmitter.event().data(data, MediaType.APPLICATION_JSON);
    }

    Prompt prompt(CompletionRequest request) {
        if (request.model() != null && !request.model().isBlank() && !request.model().equals(modelName())) {
            throw new OpenAiErrors.ModelNotFoundException(request.model(), modelName());
        }
        if (request.messages() == null || request.messages().isEmpty()) {
            throw new IllegalArgumentException("'messages' must hold at least one message");
        }
        if (request.n() != null && request.n() != 1) {
            throw new IllegalArgumentException("'n' must be 1: this server returns one choice per request");
        }
        if (request.tools() != null && !request.tools().isEmpty()) {
            throw new IllegalArgumentException("'tools' are not supported: the elastic-cache model has no tool calling");
        }
        if (request.responseFormat() != null && request.responseFormat().type() != null
                && !"text".equals(request.responseFormat().type())) {
            throw new IllegalArgumentException("'response_format' " + request.responseFormat().type()
                    + " is not supported; only text");
        }
        List<Message> messages = new ArrayList<>(request.messages().size());
        for (OpenAiApi.Message m : request.messages()) {
            String role = m.role() == null ? "" : m.role().toLowerCase(Locale.ROOT);
            String text = text(m.content());
            switch (role) {
                case "system", "developer" -> messages.add(new SystemMessage(text));
                case "user" -> messages.add(new UserMessage(text));
                case "assistant" -> messages.add(new org.springframework.ai.chat.messages.AssistantMessage(text));
                default -> throw new IllegalArgumentException("message role '" + m.role()
                        + "' is not supported; use system, developer, user or assistant");
            }
        }
        Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        ElasticCacheChatOptions.Builder options = ElasticCacheChatOptions.builder().maxTokens(maxTokens)
                .temperature(request.temperature()).topP(request.topP()).seed(request.seed())
                .strategy(request.strategy()).gamma(request.gamma()).windowLength(request.windowLength());
        List<String> stops = stops(request.stop());
        if (!stops.isEmpty()) {
            options.stopSequences(stops);
        }
        return new Prompt(messages, options.build());
    }

    private static String text(Object content) {
        if (content == null) {
            throw new IllegalArgumentException("every message needs 'content'");
        }
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof List<?> parts) {
            StringBuilder text = new StringBuilder();
            for (Object part : parts) {
                if (!(part instanceof Map<?, ?> map) || !"text".equals(map.get("type")) || !(map.get("text") instanceof String t)) {
                    throw new IllegalArgumentException("only text content parts ({\"type\":\"text\",\"text\":...})"
                            + " are supported");
                }
                text.append(t);
            }
            return text.toString();
        }
        throw new IllegalArgumentException("message 'content' must be a string or an array of text parts");
    }

    private static List<String> stops(Object stop) {
        if (stop == null) {
            return List.of();
        }
        if (stop instanceof String s) {
            return List.of(s);
        }
        if (stop instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException("'stop' must be a string or an array of strings");
    }

    private static String finishReason(String springAiReason) {
        return "LENGTH".equalsIgnoreCase(springAiReason) ? "length" : "stop";
    }

    private static Usage usage(ChatApi.ChatReply reply) {
        int prompt = reply.usage().promptTokens();
        int generation = reply.usage().generationTokens();
        return new Usage(prompt, generation, prompt + generation);
    }

    private Model model() {
        ModelInfo info = chatModel.getEngine().modelInfo();
        long created = Instant.now().minus(info.loadTime()).getEpochSecond();
        return new Model(info.name(), "model", created, "elastic-cache");
    }

    private String modelName() {
        return chatModel.getEngine().modelInfo().name();
    }
}
