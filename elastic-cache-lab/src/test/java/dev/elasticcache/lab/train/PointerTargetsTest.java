package dev.elasticcache.lab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elasticcache.lab.tasks.Task;
import dev.elasticcache.lab.tasks.TaskEncoding;
import dev.elasticcache.lab.tasks.TaskSuite;
import dev.elasticcache.tokenizer.LladaTokenizer;
import dev.elasticcache.tokenizer.TinyTokenizerFiles;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every pointer lands on a prompt token equal to the answer token it supervises, and every value is covered. */
class PointerTargetsTest {

    @Test
    void pointersLandOnTheSameCharacterAndCoverEveryCopiedValue(@TempDir Path dir) {
        TinyTokenizerFiles.write(dir, TinyTokenizerFiles.COMPACT_TOOLS_JINJA);
        try (LladaTokenizer tokenizer = LladaTokenizer.open(dir)) {
            TaskEncoding encoding = new TaskEncoding(tokenizer);
            Iterator<Task> tasks = TaskSuite.tools().train(5).iterator();
            Map<String, Integer> seen = new HashMap<>();
            for (int n = 0; n < 400; n++) {
                Task task = tasks.next();
                int[] prompt = encoding.promptIds(task);
                int[] answer = encoding.answerIds(task);
                int[] sources = PointerTargets.of(task, prompt, answer);
                int expected = PointerTargets.copies(task).stream().mapToInt(c -> c[1].length()).sum();
                int pointed = 0;
                for (int i = 0; i < sources.length; i++) {
                    if (sources[i] < 0) {
                        continue;
                    }
                    assertTrue(i >= prompt.length, "only answer positions point");
                    assertTrue(sources[i] < prompt.length, "pointers land in the prompt");
                    assertEquals(prompt[sources[i]], answer[i - prompt.length], task.family() + ": " + task.prompt());
                    pointed++;
                }
                assertEquals(expected, pointed, task.family() + " " + task.answer());
                assertTrue(expected > 0, task.family());
                seen.merge(task.family(), 1, Integer::sum);
            }
            assertEquals(4, seen.size(), seen.toString());
        }
    }

    @Test
    void aKeyDecidesBetweenEqualValues() {
        String prompt = "Record to JSON: id:12 from:ABC to:ABC bag:1";
        assertEquals(prompt.indexOf("to:ABC") + 3, PointerTargets.source(prompt, "to", "ABC"));
        assertEquals(prompt.indexOf("from:ABC") + 5, PointerTargets.source(prompt, "from", "ABC"));
        assertEquals(prompt.length() - 1, PointerTargets.source(prompt, "bag", "1"));
        assertEquals(-1, PointerTargets.source("id:312", "x", "1"), "a value inside another is not a source");
        String record = "Record to JSON: seat:12W class:W gate:W10 bag:1 x:W";
        assertEquals(record.indexOf("class:W") + 6, PointerTargets.source(record, "travelClass", "W"),
                "a camel-case key finds its last word's value");
    }

    @Test
    void aCamelCaseKeyNamesOnlyItsLastWord() {
        assertTrue(PointerTargets.namesKey("travelClass", "class"));
        assertTrue(PointerTargets.namesKey("to", "to"));
        assertFalse(PointerTargets.namesKey("seat", "at"), "not a word boundary");
        assertFalse(PointerTargets.namesKey("to", "auto"));
        assertFalse(PointerTargets.namesKey("from", ""));
    }
}
