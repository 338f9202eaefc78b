package dev.elasticcache.samples.chat;

import dev.elasticcache.engine.ModelInfo;
import dev.elasticcache.samples.chat.OpenAiApi.AssistantMessage;
import dev.elasticcache.samples.chat.OpenAiApi.Choice;
import dev.elasticcache.samples.chat.OpenAiApi.Chunk;
import dev.elasticcache.samples.chat.OpenAiApi.ChunkChoice;
import dev.elasticcache.samples.chat.OpenAiApi.ChunkToolCall;
import dev.elasticcache.samples.chat.OpenAiApi.Completion;
import dev.elasticcache.samples.chat.OpenAiApi.CompletionRequest;
import dev.elasticcache.samples.chat.OpenAiApi.Delta;
import dev.elasticcache.samples.chat.OpenAiApi.ErrorBody;
import dev.elasticcache.samples.chat.OpenAiApi.ErrorResponse;
import dev.elasticcache.samples.chat.OpenAiApi.FunctionCall;
import dev.elasticcache.samples.chat.OpenAiApi.Model;
import dev.elasticcache.samples.chat.OpenAiApi.ModelList;
import dev.elasticcache.samples.chat.OpenAiApi.ToolCall;
import dev.elasticcache.samples.chat.OpenAiApi.Usage;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenAI-compatible front on the Elastic-Cache chat model, so OpenAI clients (Spring AI's OpenAI module,
 * the official SDKs, curl scripts) can talk to the in-JVM diffusion model: {@code POST /v1/chat/completions}
 * (plain and {@code stream: true}) and {@code GET /v1/models}.
 *
 * <p>Tools follow OpenAI's protocol and are never executed here: {@code tools} are offered to the model, an
 * answer that calls them has {@code finish_reason: "tool_calls"} and {@code message.tool_calls} (streamed as
 * {@code delta.tool_calls} with their {@code index}, one chunk per call, before the finish chunk); the client
 * runs them and sends the results back as {@code role: "tool"} messages with the call's {@code tool_call_id}.
 * {@code tool_choice} {@code auto}, {@code required}, {@code none}, or a named function (required, and only that
 * tool is offered). {@code response_format} {@code json_schema} makes the answer a document of that schema,
 * decoded by infilling (valid by construction); {@code json_object} is refused with 400, since infilling needs
 * the document's schema. Unsupported schema keywords (in a tool's parameters too) are a 400 naming them. An
 * answer the model ended at once keeps OpenAI's {@code finish_reason: "stop"} (clients validate it) and adds the
 * non-standard {@code elastic_cache_hint} (why, and what the model knows).
 */
@RestController
@RequestMapping("/v1")
public class OpenAiController {

    /** OpenAI's rule for function names, also what the engine's tool prompt accepts. */
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String EMPTY_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

    private final ElasticCacheChatModel chatModel;
    private final SseBridge sse;
    private final JsonMapper json;

    public OpenAiController(ElasticCacheChatModel chatModel, SseBridge sse, JsonMapper json) {
        this.chatModel = chatModel;
        this.sse = sse;
        this.json = json;
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
        boolean parallel = !Boolean.FALSE.equals(request.parallelToolCalls());
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = Instant.now().getEpochSecond();
        if (Boolean.TRUE.equals(request.stream())) {
            boolean includeUsage = request.streamOptions() != null
                    && Boolean.TRUE.equals(request.streamOptions().includeUsage());
            return stream(prompt, id, created, includeUsage, parallel);
        }
        ChatResponse response = chatModel.call(prompt);
        List<ToolCall> calls = toolCalls(response, parallel);
        ChatApi.ChatReply reply = ChatApi.ChatReply.from(response, response.getResult().getOutput().getText());
        AssistantMessage message = calls.isEmpty() ? new AssistantMessage("assistant", reply.answer(), null, List.of())
                : new AssistantMessage("assistant", null, null, calls);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new Completion(id, "chat.completion",
                created, modelName(), List.of(new Choice(0, message, null, finishReason(reply.finishReason(), calls))),
                usage(reply), null, reply.stats(), reply.hint()));
    }

    private SseEmitter stream(Prompt prompt, String id, long created, boolean includeUsage, boolean parallel) {
        AtomicBoolean first = new AtomicBoolean(true);
        String model = modelName();
        return sse.open(chatModel.stream(prompt), response -> {
            List<SseEventBuilder> events = new ArrayList<>(4);
            if (first.getAndSet(false)) {
                events.add(json(chunk(id, created, model, new Delta("assistant", ""), null)));
            }
            String text = response.getResult() == null ? null : response.getResult().getOutput().getText();
            // The chat model's last chunk (empty text) is the one carrying the statistics and any tool calls.
            boolean last = response.getMetadata().get(ElasticCacheChatModel.METADATA_NFE) != null;
            if (text != null && !text.isEmpty()) {
                events.add(json(chunk(id, created, model, new Delta(null, text), null)));
            }
            if (last) {
                List<ToolCall> calls = toolCalls(response, parallel);
                for (int i = 0; i < calls.size(); i++) {
                    ToolCall c = calls.get(i);
                    events.add(json(chunk(id, created, model, new Delta(null, null,
                            List.of(new ChunkToolCall(i, c.id(), c.type(), c.function()))), null)));
                }
                ChatApi.ChatReply reply = ChatApi.ChatReply.from(response, "");
                events.add(json(new Chunk(id, "chat.completion.chunk", created, model,
                        List.of(new ChunkChoice(0, new Delta(null, null), null, finishReason(reply.finishReason(), calls))),
                        null, reply.stats(), reply.hint())));
                if (includeUsage) {
                    events.add(json(new Chunk(id, "chat.completion.chunk", created, model, List.of(), usage(reply), null)));
                }
            }
            return events;
        }, () -> List.of(SseEmitter.event().data("[DONE]")),
                error -> json(OpenAiErrors.body(error)));
    }

    private static Chunk chunk(String id, long created, String model, Delta delta, @Nullable String finishReason) {
        return new Chunk(id, "chat.completion.chunk", created, model, List.of(new ChunkChoice(0, delta, null, finishReason)),
                null, null);
    }

    private static SseEventBuilder json(Object data) {
        return SseEmitter.event().data(data, MediaType.APPLICATION_JSON);
    }

    /** The answer's calls in OpenAI's shape; only the first when the request disabled parallel tool calls. */
    private static List<ToolCall> toolCalls(ChatResponse response, boolean parallel) {
        if (response.getResult() == null || !response.getResult().getOutput().hasToolCalls()) {
            return List.of();
        }
        List<ToolCall> calls = response.getResult().getOutput().getToolCalls().stream()
                .map(c -> new ToolCall(c.id(), "function", new FunctionCall(c.name(), c.arguments()))).toList();
        return parallel || calls.size() <= 1 ? calls : calls.subList(0, 1);
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
        Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        ElasticCacheChatOptions.Builder options = ElasticCacheChatOptions.builder().maxTokens(maxTokens)
                .temperature(request.temperature()).topP(request.topP()).seed(request.seed())
                .strategy(request.strategy()).gamma(request.gamma()).windowLength(request.windowLength());
        List<String> stops = stops(request.stop());
        if (!stops.isEmpty()) {
            options.stopSequences(stops);
        }
        tools(request, options);
        String schema = outputSchema(request.responseFormat());
        if (schema != null) {
            options.outputSchema(schema);
        }
        return new Prompt(messages(request.messages()), options.build());
    }

    /** The offered tools and the tool choice. */
    private void tools(CompletionRequest request, ElasticCacheChatOptions.Builder options) {
        Map<String, ToolCallback> offered = new LinkedHashMap<>();
        List<OpenAiApi.Tool> tools = request.tools() == null ? List.of() : request.tools();
        for (int i = 0; i < tools.size(); i++) {
            ToolCallback tool = tool(tools.get(i), "tools[" + i + "]");
            if (offered.put(tool.getToolDefinition().name(), tool) != null) {
                throw new IllegalArgumentException("tools[" + i + "]: the function name '" + tool.getToolDefinition().name()
                        + "' is offered twice; give every tool its own name");
            }
        }
        Object choice = request.toolChoice();
        String mode;
        if (choice == null) {
            mode = offered.isEmpty() ? null : "auto";
        } else if (choice instanceof String s) {
            mode = s.trim().toLowerCase(Locale.ROOT);
            if (!List.of("auto", "required", "none").contains(mode)) {
                throw new IllegalArgumentException("'tool_choice' '" + s + "' is not supported; use \"auto\", \"required\","
                        + " \"none\" or {\"type\":\"function\",\"function\":{\"name\":...}}");
            }
        } else if (choice instanceof Map<?, ?> named && "function".equals(named.get("type"))
                && named.get("function") instanceof Map<?, ?> function && function.get("name") instanceof String name) {
            ToolCallback only = offered.get(name);
            if (only == null) {
                throw new IllegalArgumentException("'tool_choice' names the function '" + name + "', which is not in"
                        + " 'tools' (offered: " + String.join(", ", offered.keySet()) + ")");
            }
            offered = Map.of(name, only);
            mode = "required";
        } else {
            throw new IllegalArgumentException("'tool_choice' must be \"auto\", \"required\", \"none\" or"
                    + " {\"type\":\"function\",\"function\":{\"name\":...}}");
        }
        if (offered.isEmpty()) {
            if ("required".equals(mode)) {
                throw new IllegalArgumentException("'tool_choice' \"required\" needs 'tools'; add at least one function tool");
            }
            return;   // "auto" or "none" without tools: a plain answer
        }
        options.toolCallbacks(new ArrayList<>(offered.values())).toolChoice(mode);
    }

    /** One function tool, checked; the model only sees its definition (the client executes it). */
    private ToolCallback tool(OpenAiApi.@Nullable Tool tool, String where) {
        if (tool == null || tool.function() == null) {
            throw new IllegalArgumentException(where + " must be {\"type\":\"function\",\"function\":{\"name\":...,"
                    + "\"parameters\":{...}}}");
        }
        if (tool.type() != null && !"function".equals(tool.type())) {
            throw new IllegalArgumentException(where + ": tool type '" + tool.type() + "' is not supported; only"
                    + " \"function\" tools");
        }
        String name = tool.function().name();
        if (name == null || !TOOL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ".function.name must be 1-64 letters, digits, '_' or '-', got "
                    + (name == null ? "none" : "'" + name + "'"));
        }
        Object parameters = tool.function().parameters();
        String schema;
        if (parameters == null) {
            schema = EMPTY_PARAMETERS;
        } else if (parameters instanceof Map<?, ?>) {
            schema = json.writeValueAsString(parameters);
        } else {
            throw new IllegalArgumentException(where + ".function.parameters of '" + name + "' must be a JSON Schema object");
        }
        String description = tool.function().description() == null ? "" : tool.function().description();
        return new ClientTool(new Definition(name, description, schema));
    }

    /** The JSON Schema of {@code response_format}, or null for text. */
    private @Nullable String outputSchema(OpenAiApi.@Nullable ResponseFormat format) {
        if (format == null || format.type() == null || "text".equals(format.type())) {
            return null;
        }
        switch (format.type()) {
            case "json_schema" -> {
                if (format.jsonSchema() == null || format.jsonSchema().schema() == null) {
                    throw new IllegalArgumentException("'response_format' json_schema needs 'json_schema.schema': send"
                            + " {\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":{...}}}");
                }
                return json.writeValueAsString(format.jsonSchema().schema());
            }
            case "json_object" -> throw new IllegalArgumentException("'response_format' json_object is not supported:"
                    + " this model writes JSON by infilling a schema's template, so it needs the schema; send"
                    + " {\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":{\"type\":\"object\","
                    + "\"properties\":{...}}}}");
            default -> throw new IllegalArgumentException("'response_format' type '" + format.type() + "' is not"
                    + " supported; use text or json_schema");
        }
    }

    /** The conversation; assistant tool calls and the tool messages answering them are checked and paired. */
    private List<Message> messages(List<OpenAiApi.Message> in) {
        List<Message> messages = new ArrayList<>(in.size());
        Map<String, String> callNames = new HashMap<>();
        List<ToolResponseMessage.ToolResponse> results = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            OpenAiApi.Message m = in.get(i);
            String where = "messages[" + i + "]";
            if (m == null) {
                throw new IllegalArgumentException(where + " is null; send {\"role\":...,\"content\":...}");
            }
            String role = m.role() == null ? "" : m.role().toLowerCase(Locale.ROOT);
            if (!role.equals("tool") && !results.isEmpty()) {
                messages.add(ToolResponseMessage.builder().responses(List.copyOf(results)).build());
                results.clear();
            }
            switch (role) {
                case "system", "developer" -> messages.add(new SystemMessage(text(m.content(), where)));
                case "user" -> messages.add(userMessage(m.content(), where));
                case "assistant" -> messages.add(assistant(m, where, callNames));
                case "tool" -> {
                    String id = m.toolCallId();
                    if (id == null || id.isBlank()) {
                        throw new IllegalArgumentException(where + ": a tool message needs 'tool_call_id', the id of"
                                + " the assistant's call it answers");
                    }
                    String name = callNames.get(id);
                    if (name == null) {
                        throw new IllegalArgumentException(where + ": 'tool_call_id' '" + id + "' answers no tool call"
                                + " of an earlier assistant message" + (callNames.isEmpty() ? ""
                                        : " (calls: " + String.join(", ", callNames.keySet()) + ")"));
                    }
                    results.add(new ToolResponseMessage.ToolResponse(id, name, text(m.content(), where)));
                }
                default -> throw new IllegalArgumentException(where + ": message role '" + m.role()
                        + "' is not supported; use system, developer, user, assistant or tool");
            }
        }
        if (!results.isEmpty()) {
            messages.add(ToolResponseMessage.builder().responses(List.copyOf(results)).build());
        }
        return messages;
    }

    private org.springframework.ai.chat.messages.AssistantMessage assistant(OpenAiApi.Message m, String where,
            Map<String, String> callNames) {
        List<ToolCall> calls = m.toolCalls() == null ? List.of() : m.toolCalls();
        if (calls.isEmpty()) {
            return new org.springframework.ai.chat.messages.AssistantMessage(text(m.content(), where));
        }
        List<org.springframework.ai.chat.messages.AssistantMessage.ToolCall> out = new ArrayList<>(calls.size());
        for (int j = 0; j < calls.size(); j++) {
            ToolCall c = calls.get(j);
            String at = where + ".tool_calls[" + j + "]";
            if (c == null || c.id() == null || c.id().isBlank() || c.function() == null || c.function().name() == null
                    || c.function().name().isBlank()) {
                throw new IllegalArgumentException(at + " must be {\"id\":...,\"type\":\"function\",\"function\":"
                        + "{\"name\":...,\"arguments\":\"{...}\"}}");
            }
            if (c.type() != null && !"function".equals(c.type())) {
                throw new IllegalArgumentException(at + ": call type '" + c.type() + "' is not supported; only \"function\"");
            }
            String arguments = c.function().arguments() == null || c.function().arguments().isBlank() ? "{}"
                    : c.function().arguments();
            requireJsonObject(arguments, at + ".function.arguments");
            callNames.put(c.id(), c.function().name());
            out.add(new org.springframework.ai.chat.messages.AssistantMessage.ToolCall(c.id(), "function",
                    c.function().name(), arguments));
        }
        String content = m.content() == null ? "" : text(m.content(), where);
        return org.springframework.ai.chat.messages.AssistantMessage.builder().content(content).toolCalls(out).build();
    }

    private static void requireJsonObject(String text, String where) {
        if (!dev.elasticcache.tokenizer.ToolCall.isJsonObject(text)) {
            throw new IllegalArgumentException(where + " must be a JSON object encoded as a string, got " + abbreviate(text));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? "'" + s + "'" : "'" + s.substring(0, 57) + "...'";
    }

    /**
     * A user message: a string, or text parts and {@code image_url} parts whose URL is a {@code data:} URL (the
     * images reach a LLaDA-V model; a text-only model answers 400 naming it).
     */
    private static UserMessage userMessage(@Nullable Object content, String where) {
        if (!(content instanceof List<?> parts)) {
            return new UserMessage(text(content, where));
        }
        StringBuilder text = new StringBuilder();
        List<org.springframework.ai.content.Media> media = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof Map<?, ?> map && "image_url".equals(map.get("type"))) {
                Object image = map.get("image_url");
                Object url = image instanceof Map<?, ?> u ? u.get("url") : image;
                if (!(url instanceof String dataUrl)) {
                    throw new IllegalArgumentException(where + ": an image_url part needs {\"image_url\":{\"url\":\"data:image/png;base64,...\"}}");
                }
                media.add(ImageMedia.of(dataUrl));
            } else {
                text.append(text(List.of(part), where));
            }
        }
        return UserMessage.builder().text(text.toString()).media(media).build();
    }

    private static String text(@Nullable Object content, String where) {
        if (content == null) {
            throw new IllegalArgumentException(where + " needs 'content'");
        }
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof List<?> parts) {
            StringBuilder text = new StringBuilder();
            for (Object part : parts) {
                if (!(part instanceof Map<?, ?> map) || !"text".equals(map.get("type")) || !(map.get("text") instanceof String t)) {
                    throw new IllegalArgumentException(where + ": only text content parts ({\"type\":\"text\",\"text\":...})"
                            + " and, in user messages, image_url parts are supported");
                }
                text.append(t);
            }
            return text.toString();
        }
        throw new IllegalArgumentException(where + ": message 'content' must be a string or an array of text parts");
    }

    private static List<String> stops(@Nullable Object stop) {
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

    /** OpenAI's finish reason: an empty answer ({@code EMPTY}) is a {@code stop} (its hint travels separately). */
    private static String finishReason(String springAiReason, List<ToolCall> calls) {
        if (!calls.isEmpty()) {
            return "tool_calls";
        }
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

    /** A tool definition as the client sent it. */
    private record Definition(String name, String description, String inputSchema) implements ToolDefinition {}

    /**
     * A tool the client offered: the chat model reads its definition; it is never executed here (OpenAI's
     * protocol leaves the calls to the client, which sends the results back as tool messages).
     */
    private record ClientTool(ToolDefinition getToolDefinition) implements ToolCallback {
        @Override
        public String call(String toolInput) {
            throw new IllegalStateException("tool '" + getToolDefinition.name() + "' belongs to the OpenAI client;"
                    + " this server does not execute it");
        }
    }
}
