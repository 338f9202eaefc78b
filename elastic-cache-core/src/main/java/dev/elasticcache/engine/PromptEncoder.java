package dev.elasticcache.engine;

import dev.elasticcache.decode.DecodingOptions;
import dev.elasticcache.decode.Strategy;
import dev.elasticcache.model.DiffusionModel;
import dev.elasticcache.model.weights.MemoryBudget;
import dev.elasticcache.structured.ToolPrompt;
import dev.elasticcache.tokenizer.ChatMessage;
import dev.elasticcache.tokenizer.DreamTokenizer;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TokenText;
import dev.elasticcache.vision.ImageEmbedding;
import dev.elasticcache.vision.ImageFiles;
import dev.elasticcache.vision.ImageRowsModel;
import dev.elasticcache.vision.LladaVisionEncoder;
import dev.elasticcache.vision.VisionConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a request into what the decoders take, on the caller's thread: validates it (each refusal an
 * {@link IllegalArgumentException} that names the fix), encodes its prompt (text, a chat through the family's
 * template, offered tools in the system turn, images as LLaDA-V places them), checks that it fits the model's
 * length and the memory plan, and plans its structured decoding.
 */
final class PromptEncoder {
    /** The memory plan of requests of a given size (the engine's, which knows the weights and the vision tower). */
    interface Planner {
        MemoryPlan plan(int promptTokens, int genLength, Strategy strategy, int requests);
    }

    private final DiffusionModel model;
    private final LladaTokenizer tokenizer;
    private final DreamTokenizer dreamTokenizer;
    private final TokenText text;
    private final LladaVisionEncoder vision;
    private final ModelInfo info;
    private final EngineConfig config;
    private final StructuredGeneration structured;
    private final Planner planner;

    PromptEncoder(DiffusionModel model, LladaTokenizer tokenizer, DreamTokenizer dreamTokenizer, TokenText text,
            LladaVisionEncoder vision, ModelInfo info, EngineConfig config, StructuredGeneration structured, Planner planner) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.dreamTokenizer = dreamTokenizer;
        this.text = text;
        this.vision = vision;
        this.info = info;
        this.config = config;
        this.structured = structured;
        this.planner = planner;
    }

    /** A conversation's prompt ids through the family's chat template, generation prompt appended, no tools. */
    int[] encodeChat(List<ChatMessage> messages) {
        return encodeChat(messages, List.of());
    }

    /** A conversation with tools, encoded as training encodes it ({@link ToolPrompt#encodeChat}). */
    int[] encodeChat(List<ChatMessage> messages, List<dev.elasticcache.structured.ToolDefinition> tools) {
        return ToolPrompt.encodeChat(dreamTokenizer != null ? dreamTokenizer : tokenizer, messages, tools,
                structured.compiler());
    }

    /** Validates a request and resolves its prompt ids and options (on the caller's thread). */
    PreparedRequest prepare(GenerationRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        DecodingOptions options = (request.options() == null ? config.defaultOptions() : request.options()).validate();
        for (String stop : request.stopSequences()) {
            if (stop == null || stop.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must not be empty strings; remove the empty entry");
            }
        }
        int forms = (request.messages() != null ? 1 : 0) + (request.text() != null ? 1 : 0)
                + (request.promptIds() != null ? 1 : 0);
        if (forms != 1) {
            throw new IllegalArgumentException("set exactly one of messages, text or promptIds (got " + forms + ")");
        }
        int[] ids;
        float[] images = null;
        if (!request.images().isEmpty() && request.messages() == null) {
            throw new IllegalArgumentException("images need a chat request (messages); attach them to a user message");
        }
        if (request.promptIds() != null) {
            ids = request.promptIds().clone();
            int vocabulary = dreamTokenizer != null ? text.vocabSize() : model.logitsWidth();
            for (int id : ids) {
                if (id < 0 || id >= vocabulary) {
                    throw new IllegalArgumentException("prompt token id " + id + " is outside the vocabulary [0, "
                            + vocabulary + ")");
                }
            }
        } else if (request.text() != null) {
            ids = text.encode(requireText(request.text(), "prompt text"));
        } else {
            if (request.messages().isEmpty()) {
                throw new IllegalArgumentException("messages must not be empty; add at least one user message");
            }
            boolean anyContent = false;
            for (var m : request.messages()) {
                requireUtf8(m.content(), "message content");
                anyContent |= !m.content().isBlank();
            }
            if (!anyContent) {
                throw new IllegalArgumentException("the prompt is blank; send a non-empty message");
            }
            if (request.images().isEmpty()) {
                ids = encodeChat(request.messages(), request.tools());
            } else {
                ImagePrompt prompt = imagePrompt(request);
                ids = prompt.ids();
                images = prompt.rows();
            }
        }
        if (!request.tools().isEmpty() && request.messages() == null) {
            throw new IllegalArgumentException("tools need a chat request (messages); the tool list is rendered into its"
                    + " system turn");
        }
        if (ids.length == 0) {
            throw new IllegalArgumentException("the prompt is empty; send a non-empty prompt");
        }
        for (int id : ids) {
            if (id == model.maskTokenId()) {
                throw new IllegalArgumentException("the prompt contains the mask token "
                        + (dreamTokenizer != null ? DreamTokenizer.MASK_TOKEN : LladaTokenizer.MASK_TOKEN)
                        + "; remove it from the input");
            }
        }
        int max = model.maxLength();
        if (ids.length + options.genLength() > max) {
            throw new IllegalArgumentException("prompt too long: " + ids.length + " prompt tokens + genLength "
                    + options.genLength() + " = " + (ids.length + options.genLength())
                    + " exceeds the model's max sequence length " + max + "; shorten the prompt or lower genLength");
        }
        long memoryBytes = checkMemory(ids.length, options);
        StructuredGeneration.Plan plan = request.structured() ? structured.plan(request, ids.length, options) : null;
        if (plan != null && !request.stopSequences().isEmpty() && plan.schema() != null) {
            throw new IllegalArgumentException("stop sequences cannot cut a schema document; remove them or the output schema");
        }
        return new PreparedRequest(ids, options, request.stopSequences(), request.trace(), plan, images, memoryBytes);
    }

    /**
     * Refuses a request whose caches and step activations, next to the weights and the requests that may run beside
     * it, would not fit in memory (a clear 400 instead of an out-of-memory crash that would take every request down).
     */
    private long checkMemory(int promptTokens, DecodingOptions options) {
        int genLength = options.genLength();
        MemoryPlan plan = planner.plan(promptTokens, genLength, options.strategy(), config.maxBatchSize());
        if (!plan.fits()) {
            MemoryPlan alone = planner.plan(promptTokens, genLength, options.strategy(), 1);
            throw new IllegalArgumentException("the request does not fit in memory: " + promptTokens + " prompt tokens + "
                    + genLength + " answer positions with " + options.strategy().id() + " need "
                    + MemoryBudget.size(plan.activationBytes() + plan.cacheBytes())
                    + " per request (x " + plan.requests() + " decoding at once), " + MemoryBudget.size(plan.total())
                    + " in all with the weights, of " + MemoryBudget.size(plan.available()) + "; shorten the prompt or the generation"
                    + " length" + (alone.fits() ? ", or lower max-batch-size" : ""));
        }
        return plan.requestBytes();
    }

    private static String requireText(String text, String what) {
        requireUtf8(text, what);
        if (text.isBlank()) {
            throw new IllegalArgumentException("the " + what + " is blank; send a non-empty prompt");
        }
        return text;
    }

    private static void requireUtf8(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
            throw new IllegalArgumentException("the " + what + " is not valid Unicode (unpaired surrogate);"
                    + " send UTF-8 text");
        }
    }

    /** A chat prompt with its image rows in prompt order, [rows, hidden] row-major. */
    private record ImagePrompt(int[] ids, float[] rows) {}

    /**
     * The prompt of a chat with images, as LLaDA-V builds it: each image's {@code <image>} placeholder before its
     * message's text, the conversation rendered by the chat template, the text between placeholders tokenized
     * piece by piece, and each placeholder replaced by the image's rows (placeholder ids past the head, embedded
     * as those rows by {@link ImageRowsModel}); offered tools are rendered into the system turn as for text. The
     * vision tower runs here, once per image, on the caller's thread.
     */
    private ImagePrompt imagePrompt(GenerationRequest request) {
        if (vision == null) {
            throw new IllegalArgumentException("the loaded model (" + info.name() + ") is a text-only " + info.family().displayName()
                    + " model and takes no images; load a LLaDA-V folder or send the request without images");
        }
        List<ChatMessage> messages = new java.util.ArrayList<>(request.messages());
        int[] perMessage = new int[messages.size()];
        for (ChatImage image : request.images()) {
            if (image.message() < 0 || image.message() >= messages.size()
                    || messages.get(image.message()).role() != ChatMessage.Role.USER) {
                throw new IllegalArgumentException(image.name() + ": an image belongs to a user message; message "
                        + image.message() + " is " + (image.message() < 0 || image.message() >= messages.size()
                        ? "not in the conversation" : "a " + messages.get(image.message()).role() + " message"));
            }
            perMessage[image.message()]++;
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.content().contains(VisionConfig.IMAGE_PLACEHOLDER)) {
                throw new IllegalArgumentException("message " + i + " contains the text " + VisionConfig.IMAGE_PLACEHOLDER
                        + ", which this model reads as an image slot; remove it (images are placed before the text)");
            }
            if (perMessage[i] > 0) {
                messages.set(i, ChatMessage.user(VisionConfig.IMAGE_PLACEHOLDER.repeat(perMessage[i]) + "\n" + m.content()));
            }
        }
        // Images in prompt order: by message, then as attached.
        List<ChatImage> ordered = new java.util.ArrayList<>(request.images());
        ordered.sort(java.util.Comparator.comparingInt(ChatImage::message));
        List<ImageEmbedding> embeddings = new java.util.ArrayList<>();
        for (ChatImage image : ordered) {
            embeddings.add(vision.encode(ImageFiles.decode(image.data(), image.name())));
        }
        // Tools go into the system turn as without images; the placeholders stay in their user turns.
        String[] pieces = ToolPrompt.renderChat(tokenizer, messages, request.tools(), structured.compiler()).split(java.util.regex.Pattern.quote(VisionConfig.IMAGE_PLACEHOLDER), -1);
        if (pieces.length != embeddings.size() + 1) {
            throw new IllegalArgumentException("the system prompt or a tool definition contains the text "
                    + VisionConfig.IMAGE_PLACEHOLDER + ", which this model reads as an image slot; remove it");
        }
        List<int[]> idParts = new java.util.ArrayList<>();
        idParts.add(tokenizer.encode(pieces[0]));
        float[] all = new float[embeddings.stream().mapToInt(e -> e.data().length).sum()];
        int placed = 0;
        for (int i = 0; i < embeddings.size(); i++) {
            ImageEmbedding e = embeddings.get(i);
            System.arraycopy(e.data(), 0, all, placed * model.hiddenSize(), e.data().length);
            idParts.add(ImageRowsModel.placeholders(model.logitsWidth(), placed, e.tokens()));
            idParts.add(tokenizer.encode(pieces[i + 1]));
            placed += e.tokens();
        }
        int[] ids = idParts.stream().flatMapToInt(Arrays::stream).toArray();
        return new ImagePrompt(ids, all);
    }
}
