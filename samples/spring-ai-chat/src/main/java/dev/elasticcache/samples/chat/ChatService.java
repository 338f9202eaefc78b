package dev.elasticcache.samples.chat;

import dev.elasticcache.decode.Strategy;
import dev.elasticcache.samples.chat.ChatApi.BookingReply;
import dev.elasticcache.samples.chat.ChatApi.ChatReply;
import dev.elasticcache.samples.chat.ChatApi.ChatRequest;
import dev.elasticcache.samples.chat.ChatApi.CompareReply;
import dev.elasticcache.samples.chat.ChatApi.ToolRun;
import dev.elasticcache.spring.ai.ElasticCacheChatModel;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ResponseEntity;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Turns {@code /api} requests into Spring AI {@link ChatClient} calls on the Elastic-Cache chat model. With
 * {@code tools: true} the app's {@link TravelTools} are attached ({@code ChatClient...toolCallbacks(..)}): the model
 * answers with tool calls, Spring AI's {@code ToolCallingAdvisor} executes them and sends the results back until
 * the model answers in text (bounded by {@code spring.ai.tools.limits.max-total-tool-calls}). {@code toolChoice:
 * required} forces a call in the first round only ({@link ToolChoiceAdvisor}).
 */
@Service
public class ChatService {

    /** The instruction of the shipped model's record-to-JSON task; added when a booking request lacks it. */
    static final String BOOKING_INSTRUCTION = "Record to JSON: ";

    private final ElasticCacheChatModel chatModel;
    private final ChatClient chatClient;
    private final TravelTools tools;

    public ChatService(ElasticCacheChatModel chatModel, ChatClient.Builder chatClient, TravelTools tools) {
        this.chatModel = chatModel;
        this.chatClient = chatClient.build();
        this.tools = tools;
    }

    public ElasticCacheChatModel chatModel() {
        return chatModel;
    }

    public TravelTools tools() {
        return tools;
    }

    /** Decodes the whole answer (running the tool loop when tools are offered). */
    public ChatReply call(ChatRequest request) {
        List<ToolRun> runs = new CopyOnWriteArrayList<>();
        ChatResponse response = request(prompt(request), request.offersTools(), runs::add).call().chatResponse();
        if (response == null || response.getResult() == null) {
            throw new IllegalStateException("the chat model returned no answer");
        }
        return ChatReply.from(response, response.getResult().getOutput().getText(), runs);
    }

    /**
     * Streams {@link ChatResponse} chunks (text deltas; the last one has empty text and carries finish reason,
     * usage and statistics) and, with tools, a {@link ToolRun} whenever a tool has run, in the order they happen.
     *
     * <p>Without tools the chat model streams directly, so every invalid request fails while subscribing (the
     * controller answers 400 before the stream starts). {@code ChatClient} streams on another thread
     * ({@code ChatModelStreamAdvisor} publishes on {@code boundedElastic}), so with tools the decoding options are
     * checked here first; what only the engine can check (the prompt's length) then arrives as an error event.
     */
    public Flux<Object> stream(ChatRequest request) {
        Prompt prompt = prompt(request);
        if (!request.offersTools()) {
            return chatModel.stream(prompt).cast(Object.class);
        }
        ElasticCacheChatOptions merged = chatModel.getOptions().mutate()
                .combineWith(((ElasticCacheChatOptions) prompt.getOptions()).mutate()).build();
        merged.applyTo(chatModel.getEngine().defaultOptions()).validate();
        Sinks.Many<ToolRun> runs = Sinks.many().unicast().onBackpressureBuffer();
        Flux<ChatResponse> chunks = request(prompt, true,
                run -> runs.emitNext(run, Sinks.EmitFailureHandler.busyLooping(java.time.Duration.ofSeconds(1))))
                .stream().chatResponse();
        // Tool runs happen between the rounds of the chunk stream, so merging keeps their order.
        return Flux.merge(runs.asFlux(), chunks.doFinally(signal -> runs.tryEmitComplete()));
    }

    /** Decodes the prompt with the requested strategy, then with the {@code llada} baseline (one after the other). */
    public CompareReply compare(ChatRequest request) {
        ChatReply candidate = call(request);
        ChatReply baseline = call(request.withStrategy(Strategy.LLADA.id()));
        double candidateTps = candidate.stats().tokensPerSecond();
        double baselineTps = baseline.stats().tokensPerSecond();
        Double speedup = baselineTps > 0 ? candidateTps / baselineTps : null;
        double latency = baseline.stats().decodeMillis() / Math.max(candidate.stats().decodeMillis(), 1e-3);
        double nfe = (double) baseline.stats().nfe() / Math.max(candidate.stats().nfe(), 1);
        return new CompareReply(candidate, baseline, speedup, latency, nfe, candidate.answer().equals(baseline.answer()));
    }

    /**
     * The booking record in the message, as a {@link Booking}: {@code entity(Booking.class, spec ->
     * spec.useProviderStructuredOutput())} hands the record's JSON Schema to the model, which infills its values.
     */
    public BookingReply booking(ChatRequest request) {
        if (request == null || request.message() == null || request.message().isBlank()) {
            throw new IllegalArgumentException("message must not be blank: send {\"message\": \"" + BOOKING_INSTRUCTION
                    + "id:36291742 from:PSK to:UJX seat:70V gate:V71 class:W bag:7\"}");
        }
        if (request.offersTools()) {
            throw new IllegalArgumentException("/api/booking answers with the record, not tool calls; remove 'tools'");
        }
        String message = request.message().strip();
        String text = message.startsWith(BOOKING_INSTRUCTION.strip()) ? message : BOOKING_INSTRUCTION + message;
        ChatRequest record = new ChatRequest(text, request.system(), request.strategy(), request.maxTokens(),
                request.gamma(), request.windowLength(), request.threshold(), request.blockLength(),
                request.temperature(), request.seed(), request.stop(), null, null, request.images());
        ResponseEntity<ChatResponse, Booking> answer = request(prompt(record), false, run -> {}).call()
                .responseEntity(Booking.class, spec -> spec.useProviderStructuredOutput());
        ChatResponse response = answer.response();
        if (response == null || answer.entity() == null) {
            throw new IllegalStateException("the chat model returned no booking");
        }
        ChatReply reply = ChatReply.from(response, response.getResult().getOutput().getText());
        return new BookingReply(answer.entity(), reply.answer(), reply.usage(), reply.stats());
    }

    private ChatClient.ChatClientRequestSpec request(Prompt prompt, boolean withTools, Consumer<ToolRun> onToolRun) {
        ChatClient.ChatClientRequestSpec spec = chatClient.prompt(prompt);
        if (withTools) {
            spec = spec.toolCallbacks(RecordingToolCallback.wrap(tools.callbacks(), onToolRun))
                    .advisors(ToolChoiceAdvisor.INSTANCE);
        }
        return spec;
    }

    /** The prompt of a request; its decoding knobs override the model's defaults. */
    Prompt prompt(ChatRequest request) {
        if (request == null || request.message() == null || request.message().isBlank()) {
            throw new IllegalArgumentException("message must not be blank: send {\"message\": \"your question\"}");
        }
        if (request.toolChoice() != null && !request.offersTools()) {
            throw new IllegalArgumentException("'toolChoice' needs tools; add \"tools\": true");
        }
        ElasticCacheChatOptions.Builder options = ElasticCacheChatOptions.builder()
                .strategy(request.strategy() == null || request.strategy().isBlank() ? null : request.strategy())
                .maxTokens(request.maxTokens()).gamma(request.gamma()).windowLength(request.windowLength())
                .threshold(request.threshold()).blockLength(request.blockLength()).temperature(request.temperature())
                .seed(request.seed()).toolChoice(request.toolChoice());
        if (request.stop() != null && !request.stop().isEmpty()) {
            options.stopSequences(request.stop());
        }
        List<Message> messages = new ArrayList<>(2);
        if (request.system() != null && !request.system().isBlank()) {
            messages.add(new SystemMessage(request.system()));
        }
        List<Media> media = new ArrayList<>();
        for (String url : request.images() == null ? List.<String>of() : request.images()) {
            media.add(ImageMedia.of(url));
        }
        messages.add(UserMessage.builder().text(request.message()).media(media).build());
        return new Prompt(messages, options.build());
    }
}
