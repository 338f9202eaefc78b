package dev.elasticcache.samples.chat;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.DecodingStats;
import dev.elasticcache.decode.StepRecord;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.engine.ElasticCacheEngine;
import dev.elasticcache.engine.GenerationHandle;
import dev.elasticcache.engine.GenerationListener;
import dev.elasticcache.engine.GenerationRequest;
import dev.elasticcache.engine.GenerationResult;
import dev.elasticcache.samples.chat.ChatApi.ChatRequest;
import dev.elasticcache.samples.chat.ChatApi.DecodeDone;
import dev.elasticcache.samples.chat.ChatApi.DecodeStart;
import dev.elasticcache.samples.chat.ChatApi.DecodeStep;
import dev.elasticcache.spring.ai.ElasticCacheChatOptions;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.TokenText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * What a diffusion decoder does, step by step: decodes one prompt directly on the {@link ElasticCacheEngine} with a
 * {@link GenerationListener} and turns every {@link StepRecord} into a {@link DecodeStep} (answer-relative positions,
 * token texts, the first layer recomputed for every row), framed by a {@link DecodeStart} and a {@link DecodeDone}.
 * The request takes the knobs of {@code /api/chat} over the app's defaults. Tools are refused: tool calls and
 * schemas are decoded by infilling a canvas, not by the free decoder this view shows.
 */
@Service
public class DecodeView {

    private final ElasticCacheEngine engine;
    private final ChatService chat;
    private final Map<Integer, String> tokenTexts = new ConcurrentHashMap<>();

    public DecodeView(ElasticCacheEngine engine, ChatService chat) {
        this.engine = engine;
        this.chat = chat;
    }

    /**
     * Submits the decoding and returns its events: one {@link DecodeStart}, one {@link DecodeStep} per step, one
     * {@link DecodeDone}. Cancelling the subscription cancels the generation.
     *
     * @throws IllegalArgumentException for an invalid request (blank message, tools, knobs out of range, prompt too
     *     long)
     * @throws dev.elasticcache.engine.EngineOverloadedException when the engine's queue is full
     */
    public Flux<Object> decode(ChatRequest request) {
        if (request != null && request.offersTools()) {
            throw new IllegalArgumentException("the decoding view shows free text decoding; remove 'tools' (tool calls"
                    + " are decoded by infilling, see /api/chat)");
        }
        Prompt prompt = chat.prompt(request);
        ElasticCacheChatOptions merged = chat.chatModel().getOptions().mutate()
                .combineWith(((ElasticCacheChatOptions) prompt.getOptions()).mutate()).build();
        DecodingOptions options = merged.applyTo(engine.defaultOptions()).validate();
        List<ChatMessage> messages = new ArrayList<>(2);
        for (Message m : prompt.getInstructions()) {
            messages.add(m.getMessageType() == MessageType.SYSTEM ? ChatMessage.system(m.getText())
                    : ChatMessage.user(m.getText()));
        }
        // Prompt ids encoded here (as the engine does, for any family) so that step positions can be made answer-relative.
        int[] promptIds = engine.encodeChat(messages);
        int promptLength = promptIds.length;
        int layers = engine.diffusionModel().layers();
        GenerationRequest generation = GenerationRequest.builder().promptIds(promptIds).options(options)
                .stopSequences(merged.getStopSequences() == null ? List.of() : merged.getStopSequences())
                .trace(false).build();

        Sinks.Many<Object> events = Sinks.many().unicast().onBackpressureBuffer();
        events.tryEmitNext(new DecodeStart(options.strategy().id(), options.genLength(), layers, promptLength,
                maxSteps(options), options.windowLength(), options.blockLength(), options.gamma(), options.threshold()));
        long submitted = System.nanoTime();
        // Callbacks arrive on the engine's decoding thread, one at a time; the events are written on another
        // thread (publishOn below) so that network writes do not slow the decoding being timed.
        GenerationHandle handle = engine.submit(generation, new GenerationListener() {
            @Override
            public void onStep(StepRecord step) {
                events.tryEmitNext(step(step, promptLength, layers, (System.nanoTime() - submitted) / 1e6));
            }

            @Override
            public void onComplete(GenerationResult result) {
                events.tryEmitNext(done(result, promptLength));
                events.tryEmitComplete();
            }

            @Override
            public void onError(Throwable error) {
                events.tryEmitError(error);
            }
        });
        return events.asFlux().doOnCancel(handle::cancel).publishOn(Schedulers.boundedElastic());
    }

    /** Steps the strategy takes at most: the exact schedule of {@code llada}, else one position per step. */
    static int maxSteps(DecodingOptions options) {
        return options.strategy() == Strategy.LLADA ? options.resolvedSteps() : options.genLength();
    }

    private DecodeStep step(StepRecord step, int promptLength, int layers, double elapsedMillis) {
        int count = step.decodedPositions().length;
        int[] positions = new int[count];
        List<String> texts = new ArrayList<>(count);
        boolean[] special = new boolean[count];
        for (int i = 0; i < count; i++) {
            positions[i] = step.decodedPositions()[i] - promptLength;
            int id = step.decodedTokens()[i];
            texts.add(tokenText(id));
            special[i] = engine.textTokenizer().isSpecial(id);
        }
        int startReset = Math.max(0, Math.min(step.startReset(), layers));
        return new DecodeStep(step.step(), positions, texts, step.decodedTokens().clone(), special, startReset,
                layers - startReset, step.window().length, step.queryRows().length, elapsedMillis);
    }

    private DecodeDone done(GenerationResult result, int promptLength) {
        DecodingStats stats = result.stats();
        return new DecodeDone(result.text(), result.finishReason().name(), result.hint(), stats.nfe(),
                stats.wallNanos() / 1e6, stats.tokensPerSecond(), stats.tokensPerStep(), stats.recomputeFraction(),
                stats.answerTokens(), stats.tokensDecoded(), answerEnd(result.sequence(), promptLength));
    }

    /** Answer-relative position of the first end-of-sequence or end-of-turn token, or null. */
    private @Nullable Integer answerEnd(int[] sequence, int promptLength) {
        int eos = engine.diffusionModel().eosTokenId();
        int eot = engine.endOfTurnTokenId();
        for (int p = promptLength; p < sequence.length; p++) {
            if (sequence[p] == eos || sequence[p] == eot) {
                return p - promptLength;
            }
        }
        return null;
    }

    /** The text of one token as a cell shows it: special tokens as a short mark ({@code EOS}, {@code EOT}). */
    String tokenText(int id) {
        return tokenTexts.computeIfAbsent(id, this::describe);
    }

    private String describe(int id) {
        TokenText tokenizer = engine.textTokenizer();
        if (id == engine.diffusionModel().eosTokenId()) {
            return "EOS";
        }
        if (id == engine.endOfTurnTokenId()) {
            return "EOT";
        }
        if (id == engine.diffusionModel().maskTokenId()) {
            return "MASK";
        }
        String text = tokenizer.decode(new int[] {id}, false);
        if (tokenizer.isSpecial(id)) {
            // <|start_header_id|> -> start_header_id
            return text.replaceAll("^<\\|?|\\|?>$", "");
        }
        return text;
    }
}
