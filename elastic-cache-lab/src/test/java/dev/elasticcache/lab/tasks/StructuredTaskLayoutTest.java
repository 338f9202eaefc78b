package dev.elasticcache.lab.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.elasticcache.structured.Alignment;
import dev.elasticcache.structured.CanvasBuilder;
import dev.elasticcache.structured.InfillLimits;
import dev.elasticcache.structured.InfillSettings;
import dev.elasticcache.structured.JsonSchemaCompiler;
import dev.elasticcache.structured.Resolution;
import dev.elasticcache.structured.SchemaNode;
import dev.elasticcache.structured.ToolCallLayout;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training answers of the structured families are exactly the canvases the engine decodes, filled. */
class StructuredTaskLayoutTest {

    @TempDir
    Path dir;

    @Test
    void jsonAndToolAnswersAgreeWithTheCanvasAndReadBackToTheExpectedAnswer() {
        TinyTokenizerFiles.write(dir);
        for (Alignment alignment : Alignment.values()) {
            checkLayouts(new InfillSettings(InfillSettings.tinyModels().fillerTokenId(), alignment));
        }
    }

    @Test
    void theFieldsLessonCopiesEveryValueByItsKey() {
        Random random = new Random(9);
        for (int i = 0; i < 200; i++) {
            Task task = new FieldsToJson().generate(random);
            JsonObject answer = JsonParser.parseString(task.answer()).getAsJsonObject();
            JsonObject properties = JsonParser.parseString(task.outputSchema()).getAsJsonObject()
                    .getAsJsonObject("properties");
            assertThat(answer.keySet()).containsExactlyElementsOf(properties.keySet());
            assertThat(answer.size()).isBetween(1, 5);
            for (String key : answer.keySet()) {
                assertThat(task.prompt()).contains(" " + key + ":" + answer.get(key).getAsString());
            }
        }
    }

    private void checkLayouts(InfillSettings settings) {
        try (LladaTokenizer tokenizer = LladaTokenizer.open(dir)) {
            TaskEncoding encoding = new TaskEncoding(tokenizer, settings);
            CanvasBuilder builder = new CanvasBuilder(encoding.format());
            JsonSchemaCompiler compiler = new JsonSchemaCompiler();
            Random random = new Random(5);
            int mask = tokenizer.maskTokenId();
            int checked = 0;
            for (TaskFamily family : new TaskFamily[] {new RecordToSchemaJson(), new ToolCalling(), new FieldsToJson()}) {
                for (int i = 0; i < 40; i++) {
                    Task task = family.generate(random);
                    int[] answer = encoding.answerIds(task);
                    int[] canvas;
                    String read;
                    if (task.outputSchema() != null) {
                        SchemaNode schema = compiler.compile(task.outputSchema());
                        canvas = builder.canvas(schema, new Resolution()).tokens();
                        read = builder.read(schema, new Resolution(), answer).toString();
                    } else {
                        JsonObject call = JsonParser.parseString(task.answer()).getAsJsonObject();
                        ToolCallLayout layout = new ToolCallLayout(builder, task.tools(), compiler, InfillLimits.DEFAULTS);
                        int tool = layout.indexOf(call.get("name").getAsString());
                        canvas = layout.callCanvas(tool, new Resolution()).tokens();
                        JsonObject back = new JsonObject();
                        back.addProperty("name", call.get("name").getAsString());
                        back.add("arguments", layout.readArguments(tool, new Resolution(), answer));
                        read = back.toString();
                    }
                    assertThat(answer).hasSameSizeAs(canvas);
                    for (int p = 0; p < canvas.length; p++) {
                        if (canvas[p] != mask) {
                            assertThat(answer[p]).as(task.family() + " position " + p).isEqualTo(canvas[p]);
                        }
                    }
                    assertThat(read).isEqualTo(task.answer());
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(120);
        }
    }
}
