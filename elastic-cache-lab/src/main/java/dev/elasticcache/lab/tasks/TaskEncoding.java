package dev.elasticcache.lab.tasks;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.structured.CanvasBuilder;
import dev.elasticcache.structured.InfillFormat;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.structured.JsonSchemaCompiler;
import dev.elasticcache.structured.ToolCallLayout;
import dev.elasticcache.structured.ToolPrompt;
import dev.elasticcache.tokenizer.LladaTokenizer;

/**
 * Token ids of tasks: the conversation as an Instruct chat prompt (tools rendered by {@link ToolPrompt}), the
 * answer as plain text or, for structured tasks, written into the infilling layout the engine decodes (the
 * schema's or the call's canvas filled with the expected values, padded with the filler): the model learns the
 * very canvas it will be asked to fill.
 */
public final class TaskEncoding {
    private final LladaTokenizer tokenizer;
    private final InfillSettings settings;
    private final InfillFormat format;
    private final CanvasBuilder canvas;
    private final JsonSchemaCompiler compiler = new JsonSchemaCompiler();

    public TaskEncoding(LladaTokenizer tokenizer) {
        this(tokenizer, InfillSettings.tinyModels());
    }

    public TaskEncoding(LladaTokenizer tokenizer, InfillSettings settings) {
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.format = settings.format(tokenizer);
        this.canvas = new CanvasBuilder(format);
    }

    public LladaTokenizer tokenizer() {
        return tokenizer;
    }

    /** The infilling settings the canvases are written with (saved next to a trained model). */
    public InfillSettings settings() {
        return settings;
    }

    public InfillFormat format() {
        return format;
    }

    /** The chat prompt: BOS, the turns (tools in the system turn), the assistant header. */
    public int[] promptIds(Task task) {
        return ToolPrompt.encodeChat(tokenizer, task.messages(), task.tools(), compiler);
    }

    /** The answer's ids without terminators: text, or the filled canvas of a structured answer. */
    public int[] answerIds(Task task) {
        if (task.outputSchema() != null) {
            return canvas.render(compiler.compile(task.outputSchema()), JsonParser.parseString(task.answer()));
        }
        if (task.expectsCall()) {
            JsonObject call = JsonParser.parseString(task.answer()).getAsJsonObject();
            ToolCallLayout layout = new ToolCallLayout(canvas, task.tools(), compiler, InfillLimits.DEFAULTS);
            return layout.render(call.get("name").getAsString(), call.get("arguments"));
        }
        return tokenizer.encode(task.answer());
    }

    /**
     * For a structured task, which answer positions the model fills at inference (slots and choices; the rest is
     * fixed text the canvas already shows); null for a text task.
     */
    public boolean[] variablePositions(Task task) {
        if (task.outputSchema() != null) {
            int[] t = canvas.canvas(compiler.compile(task.outputSchema()), new dev.elasticcache.structured.Resolution()).tokens();
            boolean[] out = new boolean[t.length];
            for (int i = 0; i < t.length; i++) {
                out[i] = t[i] == format.maskId();
            }
            return out;
        }
        if (task.expectsCall()) {
            JsonObject call = JsonParser.parseString(task.answer()).getAsJsonObject();
            ToolCallLayout layout = new ToolCallLayout(canvas, task.tools(), compiler, InfillLimits.DEFAULTS);
            return layout.variablePositions(layout.indexOf(call.get("name").getAsString()));
        }
        return null;
    }

    /** Decoded answer text of generated ids, cut at the first EOS, end-of-turn or mask token. */
    public String answerText(int[] generated) {
        return tokenizer.decode(Scoring.answerIds(generated, tokenizer.eosTokenId(), tokenizer.eotTokenId(),
                tokenizer.maskTokenId()));
    }
}
